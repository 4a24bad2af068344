package io.ragline.contracts.document;

import io.ragline.contracts.Envelope;
import io.ragline.contracts.RaglineEvent;
import java.time.Instant;

/**
 * A document could not be indexed. Topic {@code documents.failed}, keyed like {@link DocumentSubmitted}.
 *
 * @param submittedEventId the {@link DocumentSubmitted} event this answers
 * @param stage where it failed: {@code fetch}, {@code parse}, {@code chunk}, {@code embed}, {@code store}
 * @param reason a message a user can act on ("encrypted PDF", "no text found", ...)
 */
public record DocumentFailed(
        int schemaVersion,
        String eventId,
        String tenant,
        Instant occurredAt,
        String documentId,
        String submittedEventId,
        String stage,
        String reason)
        implements RaglineEvent {

    public static final int SCHEMA_VERSION = 1;

    public DocumentFailed {
        Envelope.check(schemaVersion, eventId, tenant, occurredAt);
        Envelope.requireText(documentId, "documentId");
        Envelope.requireText(reason, "reason");
    }

    public static DocumentFailed of(
            String tenant, String documentId, String submittedEventId, String stage, String reason) {
        return new DocumentFailed(
                SCHEMA_VERSION,
                Envelope.newEventId(),
                tenant,
                Instant.now(),
                documentId,
                submittedEventId,
                stage,
                reason);
    }

    public String partitionKey() {
        return DocumentKeys.key(tenant, documentId);
    }
}
