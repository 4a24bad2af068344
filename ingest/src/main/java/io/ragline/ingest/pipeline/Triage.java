package io.ragline.ingest.pipeline;

import io.ragline.contracts.EventJson;
import io.ragline.contracts.document.DocumentSubmitted;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What one round of submissions (at most one per document) needs, decided from what the database already holds and
 * before anything is parsed or embedded. A plain function of its inputs.
 *
 * @param redelivered events applied before (a crash came before the offset commit): nothing is written again, but an
 *     indexed document's outcome, which may not have been published, is sent again
 * @param stale events older than the version already applied: recorded as handled, nothing else
 * @param unchanged re-submissions of an indexed document whose embedded text, model and index version are unchanged:
 *     title, metadata and version are updated, the chunks stay
 * @param toParse new or changed documents: parsed, chunked and embedded
 */
record Triage(
        List<Redelivered> redelivered,
        List<DocumentSubmitted> stale,
        List<Unchanged> unchanged,
        List<ToParse> toParse) {

    /** An event already applied, with what the document holds now (null when nothing). */
    record Redelivered(DocumentSubmitted event, IndexStore.Current now, long startNanos) {

        /** Whether the applied outcome was an indexed document of this very content (so it is worth re-sending). */
        boolean indexed() {
            return now != null
                    && "indexed".equals(now.status())
                    && event.contentHash().equals(now.contentHash());
        }
    }

    /** An unchanged re-submission and the document's chunk count. */
    record Unchanged(IndexStore.Touch touch, DocumentSubmitted event, int chunkCount, long startNanos) {}

    /** A submission that needs parsing and chunking, with what the index holds of the document (null for nothing). */
    record ToParse(DocumentSubmitted event, IndexStore.Current now, String metadataJson, long startNanos) {}

    /**
     * @param done the round's event ids already applied by this consumer
     * @param current what the database holds of the round's documents, by {@code tenant/documentId}
     * @param model the embedding model this deployment writes with
     * @param indexVersion the index version this deployment writes
     */
    static Triage of(
            List<DocumentSubmitted> round,
            Set<String> done,
            Map<String, IndexStore.Current> current,
            String model,
            int indexVersion) {
        List<Redelivered> redelivered = new ArrayList<>();
        List<DocumentSubmitted> stale = new ArrayList<>();
        List<Unchanged> unchanged = new ArrayList<>();
        List<ToParse> toParse = new ArrayList<>();
        for (DocumentSubmitted event : round) {
            long startNanos = System.nanoTime();
            IndexStore.Current now = current.get(event.partitionKey());
            if (done.contains(event.eventId())) {
                redelivered.add(new Redelivered(event, now, startNanos));
                continue;
            }
            // PostgreSQL keeps microseconds, rounded: the stored time of this very submission may lie up to half a
            // microsecond after its occurredAt (which another index version's deployment then replays)
            if (now != null && now.versionAt().isAfter(event.occurredAt().plusNanos(1_000))) {
                stale.add(event);
                continue;
            }
            String metadataJson = EventJson.toJson(event.metadata());
            if (now != null
                    && "indexed".equals(now.status())
                    && event.contentHash().equals(now.contentHash())
                    // the title is part of every chunk's embedded text
                    && Objects.equals(event.title(), now.title())
                    && model.equals(now.embeddingModel())
                    && indexVersion == now.indexVersion()) {
                IndexStore.Touch touch = new IndexStore.Touch(
                        event.eventId(),
                        event.tenant(),
                        event.documentId(),
                        event.title(),
                        metadataJson,
                        event.occurredAt());
                unchanged.add(new Unchanged(touch, event, now.chunkCount(), startNanos));
                continue;
            }
            toParse.add(new ToParse(event, now, metadataJson, startNanos));
        }
        return new Triage(redelivered, stale, unchanged, toParse);
    }
}
