package io.ragline.contracts.document;

import io.ragline.contracts.Envelope;
import io.ragline.contracts.RaglineEvent;
import java.time.Instant;

/**
 * A document was deleted and its chunks must leave the index. Topic {@code documents.deleted}, keyed like
 * {@link DocumentSubmitted}; ingest orders it against submissions of the same document by {@code occurredAt}, so a
 * late submission of an older version never resurrects a deleted document.
 *
 * @param requestedBy the API key id or user that asked
 */
public record DocumentDeleted(
        int schemaVersion, String eventId, String tenant, Instant occurredAt, String documentId, String requestedBy)
        implements RaglineEvent {

    public static final int SCHEMA_VERSION = 1;

    public DocumentDeleted {
        Envelope.check(schemaVersion, eventId, tenant, occurredAt);
        Envelope.requireText(documentId, "documentId");
    }

    public static DocumentDeleted of(String tenant, String documentId, String requestedBy) {
        return new DocumentDeleted(
                SCHEMA_VERSION, Envelope.newEventId(), tenant, Instant.now(), documentId, requestedBy);
    }

    public String partitionKey() {
        return DocumentKeys.key(tenant, documentId);
    }
}
