package io.ragline.ingest.embedding;

import dev.langchain4j.model.embedding.EmbeddingModel;
import io.ragline.embedding.BgeOnnxEmbeddingModel;
import io.ragline.ingest.config.IngestConfig;
import io.ragline.model.EmbeddingServer;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * The embedding model: an OpenAI-compatible embedding server when {@code ingest.embedding.url} is set, otherwise the
 * in-process ONNX model (bge-small-en-v1.5, quantized, 384 dimensions), run in real batches by
 * {@link BgeOnnxEmbeddingModel}. Model and tokenizer ship inside the jar; nothing is downloaded (run with
 * {@code DJL_OFFLINE=true}).
 */
public class EmbeddingModelProducer {

    private static final Logger LOG = Logger.getLogger(EmbeddingModelProducer.class);

    @Produces
    @Singleton
    EmbeddingModel embeddingModel(IngestConfig config) {
        IngestConfig.Embedding embedding = config.embedding();
        if (embedding.url().isPresent()) {
            EmbeddingModel server = EmbeddingServer.connect(
                    embedding.url().get(),
                    embedding.apiKey(),
                    embedding.modelName(),
                    BgeOnnxEmbeddingModel.DIMENSION,
                    embedding.timeout(),
                    embedding.maxRetries(),
                    embedding.batchSize());
            LOG.infof("embedding chunks with the %s", server);
            return server;
        }
        int callers = embedding.callers().orElse(Runtime.getRuntime().availableProcessors());
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
