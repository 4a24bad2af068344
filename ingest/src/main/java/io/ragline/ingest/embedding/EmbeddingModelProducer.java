package io.ragline.ingest.embedding;

import dev.langchain4j.model.embedding.EmbeddingModel;
import io.ragline.ingest.config.IngestConfig;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The in-process ONNX embedding model (bge-small-en-v1.5, quantized, 384 dimensions), run in real batches by
 * {@link BgeOnnxEmbeddingModel}. Model and tokenizer ship inside the jar; nothing is downloaded (run with
 * {@code DJL_OFFLINE=true}).
 */
public class EmbeddingModelProducer {

    @Produces
    @Singleton
    EmbeddingModel embeddingModel(IngestConfig config) {
        int callers = config.embedding().callers().orElse(Runtime.getRuntime().availableProcessors());
        return new BgeOnnxEmbeddingModel(callers);
    }

    void close(@Disposes EmbeddingModel model) {
        if (model instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // shutting down
            }
        }
    }
}
