package io.ragline.ingest.pipeline;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.ragline.ingest.config.IngestConfig;
import io.ragline.ingest.pipeline.ChunkPreparer.Prepared;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Embeds prepared documents' chunks with the configured {@link EmbeddingModel}, in batches of
 * {@code ingest.embedding.batch-size} across documents, shortest texts first so each batch holds texts of similar
 * length (less padding).
 */
@ApplicationScoped
class Embedder {

    @Inject
    IngestConfig config;

    @Inject
    EmbeddingModel embeddingModel;

    @Inject
    MeterRegistry registry;

    private Timer embedTime;

    @PostConstruct
    void init() {
        embedTime = Timer.builder("ragline.ingest.embed")
                .description("time spent embedding one group of chunks")
                .register(registry);
    }

    /**
     * Documents in groups of about {@code 2 × batchSize} chunks to embed, in order (a document is never split): while
     * one group is embedded, the one before it is written.
     */
    static List<List<Prepared>> groups(List<Prepared> prepared, int batchSize) {
        List<List<Prepared>> groups = new ArrayList<>();
        List<Prepared> group = new ArrayList<>();
        int chunks = 0;
        for (Prepared p : prepared) {
            group.add(p);
            chunks += p.chunks().size();
            if (chunks >= 2 * batchSize) {
                groups.add(group);
                group = new ArrayList<>();
                chunks = 0;
            }
        }
        if (!group.isEmpty()) {
            groups.add(group);
        }
        return groups;
    }

    /** Sets a vector on every chunk of the group that has none yet; returns how many were embedded. */
    int embed(List<Prepared> group) {
        long start = System.nanoTime();
        record Slot(Prepared owner, int index) {}
        List<Slot> todo = new ArrayList<>();
        for (Prepared p : group) {
            for (int i = 0; i < p.chunks().size(); i++) {
                if (p.chunks().get(i).embedding() == null) {
                    todo.add(new Slot(p, i));
                }
            }
        }
        todo.sort(Comparator.comparingInt(
                s -> s.owner().chunks().get(s.index()).text().length()));
        int batchSize = config.embedding().batchSize();
        for (int from = 0; from < todo.size(); from += batchSize) {
            List<Slot> batch = todo.subList(from, Math.min(todo.size(), from + batchSize));
            List<TextSegment> segments = batch.stream()
                    .map(s -> TextSegment.from(s.owner().embeddedText(s.index())))
                    .toList();
            List<Embedding> embeddings = embeddingModel.embedAll(segments).content();
            for (int k = 0; k < batch.size(); k++) {
                Slot slot = batch.get(k);
                List<StoredChunk> chunks = slot.owner().chunks();
                chunks.set(
                        slot.index(),
                        chunks.get(slot.index()).withEmbedding(embeddings.get(k).vector()));
            }
        }
        registry.counter("ragline.ingest.chunks.embedded").increment(todo.size());
        embedTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        return todo.size();
    }

    /** Vectors for texts, in order (a re-embedding's chunks, already in document order). */
    List<float[]> embedAll(List<String> texts) {
        List<Embedding> vectors = embeddingModel
                .embedAll(texts.stream().map(TextSegment::from).toList())
                .content();
        registry.counter("ragline.ingest.chunks.embedded").increment(vectors.size());
        return vectors.stream().map(Embedding::vector).toList();
    }
}
