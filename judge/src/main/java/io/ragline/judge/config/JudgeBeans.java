package io.ragline.judge.config;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import io.ragline.model.ModelServer;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The judge's model server and its in-process embedding model (the one ingest indexes with), one of each. */
public class JudgeBeans {

    @Produces
    @Singleton
    static ModelServer modelServer(JudgeConfig config) {
        return new ModelServer(config.model().settings());
    }

    @Produces
    @Singleton
    static EmbeddingModel embeddingModel() {
        return new BgeSmallEnV15QuantizedEmbeddingModel();
    }
}
