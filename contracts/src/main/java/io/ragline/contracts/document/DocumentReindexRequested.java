package io.ragline.contracts.document;

import io.ragline.contracts.Envelope;
import io.ragline.contracts.RaglineEvent;
import java.time.Instant;

/**
 * Re-embed one document's chunks of index version {@code fromVersion} into index version {@code toVersion} (a new
 * embedding model being rolled out beside the serving one). Topic {@code documents.reindex}, keyed like
 * {@link DocumentSubmitted}; only the ingest deployment writing {@code toVersion} acts on it, and not if the document
 * already has chunks in that version (a live submission indexed it, which is at least as new).
 */
public record DocumentReindexRequested(
        int schemaVersion,
        String eventId,
        String tenant,
        Instant occurredAt,
        String documentId,
        int fromVersion,
        int toVersion)
        implements RaglineEvent {

    public static final int SCHEMA_VERSION = 1;

    public DocumentReindexRequested {
        Envelope.check(schemaVersion, eventId, tenant, occurredAt);
        Envelope.requireText(documentId, "documentId");
        if (fromVersion < 1 || toVersion < 1 || fromVersion == toVersion) {
            throw new IllegalArgumentException(
                    "fromVersion and toVersion must be different index versions (1 or more), got " + fromVersion
                            + " and " + toVersion);
        }
    }

    public static DocumentReindexRequested of(String tenant, String documentId, int fromVersion, int toVersion) {
        return new DocumentReindexRequested(
                SCHEMA_VERSION, Envelope.newEventId(), tenant, Instant.now(), documentId, fromVersion, toVersion);
    }

    public String partitionKey() {
        return DocumentKeys.key(tenant, documentId);
    }
}
