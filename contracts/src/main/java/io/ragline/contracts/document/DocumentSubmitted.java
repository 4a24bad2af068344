package io.ragline.contracts.document;

import io.ragline.contracts.Envelope;
import io.ragline.contracts.RaglineEvent;
import java.time.Instant;
import java.util.Map;

/**
 * A document was accepted for indexing. Topic {@code documents.submitted}, keyed by {@link #partitionKey()} so all
 * versions of one document stay ordered.
 *
 * <p>Small bodies travel inline ({@code inlineText}); larger ones are stored in PostgreSQL and referenced by
 * {@code contentRef} (claim check). Exactly one of the two is set.
 *
 * @param documentId stable id of the document within the tenant
 * @param title title given by the submitter or taken from the file name
 * @param source where it came from: {@code api}, {@code upload}, {@code folder:PATH}, ...
 * @param mediaType media type of the original bytes
 * @param contentHash SHA-256 (hex) of the original bytes; an unchanged document is not re-embedded
 * @param sizeBytes size of the original bytes
 * @param inlineText the text, when the body was submitted as text and is small
 * @param contentRef id of the stored original bytes (claim check), otherwise
 * @param metadata user metadata, filterable at search time
 */
public record DocumentSubmitted(
        int schemaVersion,
        String eventId,
        String tenant,
        Instant occurredAt,
        String documentId,
        String title,
        String source,
        String mediaType,
        String contentHash,
        long sizeBytes,
        String inlineText,
        String contentRef,
        Map<String, String> metadata)
        implements RaglineEvent {

    public static final int SCHEMA_VERSION = 1;

    public DocumentSubmitted {
        Envelope.check(schemaVersion, eventId, tenant, occurredAt);
        Envelope.requireText(documentId, "documentId");
        Envelope.requireText(mediaType, "mediaType");
        Envelope.requireText(contentHash, "contentHash");
        if ((inlineText == null) == (contentRef == null)) {
            throw new IllegalArgumentException("exactly one of inlineText and contentRef must be set");
        }
        metadata = Envelope.map(metadata);
    }

    public static DocumentSubmitted of(
            String tenant,
            String documentId,
            String title,
            String source,
            String mediaType,
            String contentHash,
            long sizeBytes,
            String inlineText,
            String contentRef,
            Map<String, String> metadata) {
        return new DocumentSubmitted(
                SCHEMA_VERSION,
                Envelope.newEventId(),
                tenant,
                Instant.now(),
                documentId,
                title,
                source,
                mediaType,
                contentHash,
                sizeBytes,
                inlineText,
                contentRef,
                metadata);
    }

    /** Kafka key: tenant and document id. */
    public String partitionKey() {
        return DocumentKeys.key(tenant, documentId);
    }
}
