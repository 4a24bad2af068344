package io.ragline.judge.config;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The judge's in-process embedding model (the one ingest indexes with). */
public class JudgeBeans {

    @Produces
    @Singleton
    static EmbeddingModel embeddingModel() {
        return new BgeSmallEnV15QuantizedEmbeddingModel();
    }
}
