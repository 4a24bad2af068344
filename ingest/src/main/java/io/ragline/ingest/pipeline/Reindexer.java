package io.ragline.ingest.pipeline;

import io.micrometer.core.instrument.MeterRegistry;
import io.ragline.contracts.EventJson;
import io.ragline.contracts.document.DocumentReindexRequested;
import io.ragline.ingest.config.IngestConfig;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * A model roll-out's backfill: reads {@code documents.reindex} (consumer group {@code ingest.consumer}, keyed
 * tenant/documentId) and re-embeds a document's chunks of another index version into this deployment's: the same
 * chunks, texts and offsets, new vectors. Requests for another version than this deployment's are for another
 * deployment and are skipped; so is a document this version already holds.
 */
@ApplicationScoped
class Reindexer {

    private static final Logger LOG = Logger.getLogger(Reindexer.class);
    static final String REINDEX_CHANNEL = "documents-reindex-in";

    @Inject
    IngestConfig config;

    @Inject
    IndexStore store;

    @Inject
    VersionStore versions;

    @Inject
    Embedder embedder;

    @Inject
    StoreRetries retries;

    @Inject
    MeterRegistry registry;

    @Incoming(REINDEX_CHANNEL)
    @Blocking
    public void onReindex(String json) throws StoreRetries.WorkFailedException {
        DocumentReindexRequested event = EventJson.fromJson(json, DocumentReindexRequested.class);
        if (event.toVersion() != config.indexVersion()) {
            return;
        }
        retries.run("re-embed " + event.partitionKey(), () -> reembed(event));
    }

    private void reembed(DocumentReindexRequested event) {
        if (!store.processed(List.of(event.eventId())).isEmpty()) {
            return;
        }
        Optional<VersionStore.VersionChunks> source =
                versions.versionChunks(event.tenant(), event.documentId(), event.fromVersion());
        if (source.isEmpty() || source.get().chunks().isEmpty()) {
            LOG.infof(
                    "nothing to re-embed for %s: version %d holds no chunks of it",
                    event.partitionKey(), event.fromVersion());
            store.markHandled(event.eventId());
            return;
        }
        VersionStore.VersionChunks from = source.get();
        List<float[]> vectors = embedder.embedAll(from.chunks().stream()
                .map(c -> Chunker.embeddedText(from.title(), c.headingPath(), c.text()))
                .toList());
        List<StoredChunk> chunks = new ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            StoredChunk c = from.chunks().get(i);
            String id = ChunkPreparer.chunkId(
                    event.tenant(), event.documentId(), c.ordinal(), c.contentHash(), config.indexVersion());
            chunks.add(c.withEmbedding(vectors.get(i)).withId(id));
        }
        boolean written = versions.writeReindexed(
                event.eventId(),
                event.tenant(),
                event.documentId(),
                config.embedding().modelName(),
                from,
                chunks);
        registry.counter("ragline.ingest.reindexed", "outcome", written ? "written" : "already-held")
                .increment();
    }
}
