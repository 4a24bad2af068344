package io.ragline.judge.config;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import io.ragline.model.ModelServer;
import io.ragline.model.ModelSettings;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;

/** The judge's model server and its in-process embedding model (the one ingest indexes with), one of each. */
public class JudgeBeans {

    @Produces
    @Singleton
    static ModelServer modelServer(JudgeConfig config) {
        JudgeConfig.Model m = config.model();
        return new ModelServer(new ModelSettings(
                m.baseUrl(),
                m.apiKey(),
                m.name(),
                m.tasks(),
                m.timeout(),
                m.maxRetries(),
                Duration.ofMillis(500),
                m.maxTokens(),
                0.0,
                5,
                Duration.ofSeconds(30)));
    }

    @Produces
    @Singleton
    static EmbeddingModel embeddingModel() {
        return new BgeSmallEnV15QuantizedEmbeddingModel();
    }
}
