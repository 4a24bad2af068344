package io.ragline.contracts.document;

import io.ragline.contracts.Envelope;
import io.ragline.contracts.RaglineEvent;
import java.time.Instant;

/**
 * A document's chunks are searchable. Topic {@code documents.indexed}, keyed like {@link DocumentSubmitted}.
 *
 * @param submittedEventId the {@link DocumentSubmitted} event this answers
 * @param chunkCount chunks the document now has
 * @param embeddedChunks chunks whose embedding was computed for this version
 * @param reusedChunks chunks whose embedding was reused because their content hash was unchanged
 * @param embeddingModel the model that produced the vectors
 * @param indexVersion the index version the chunks were written to
 * @param durationMs time from receipt to commit
 */
public record DocumentIndexed(
        int schemaVersion,
        String eventId,
        String tenant,
        Instant occurredAt,
        String documentId,
        String submittedEventId,
        String contentHash,
        int chunkCount,
        int embeddedChunks,
        int reusedChunks,
        String embeddingModel,
        int indexVersion,
        long durationMs)
        implements RaglineEvent {

    public static final int SCHEMA_VERSION = 1;

    public DocumentIndexed {
        Envelope.check(schemaVersion, eventId, tenant, occurredAt);
        Envelope.requireText(documentId, "documentId");
    }

    public static DocumentIndexed of(
            String tenant,
            String documentId,
            String submittedEventId,
            String contentHash,
            int chunkCount,
            int embeddedChunks,
            int reusedChunks,
            String embeddingModel,
            int indexVersion,
            long durationMs) {
        return new DocumentIndexed(
                SCHEMA_VERSION,
                Envelope.newEventId(),
                tenant,
                Instant.now(),
                documentId,
                submittedEventId,
                contentHash,
                chunkCount,
                embeddedChunks,
                reusedChunks,
                embeddingModel,
                indexVersion,
                durationMs);
    }

    public String partitionKey() {
        return DocumentKeys.key(tenant, documentId);
    }
}
