package io.ragline.ingest.embedding;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The in-process ONNX embedding model (bge-small-en-v1.5, quantized, 384 dimensions). Model and tokenizer ship inside
 * the jar; nothing is downloaded (run with {@code DJL_OFFLINE=true}).
 */
public class EmbeddingModelProducer {

    @Produces
    @Singleton
    EmbeddingModel embeddingModel() {
        return new BgeSmallEnV15QuantizedEmbeddingModel();
    }
}
