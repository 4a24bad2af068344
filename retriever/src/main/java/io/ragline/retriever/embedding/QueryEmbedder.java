package io.ragline.retriever.embedding;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import io.quarkus.cache.CacheResult;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Embeds queries with the same in-process ONNX model ingest embeds chunks with (bge-small-en-v1.5, quantized; shipped
 * inside the jar, nothing downloaded), loaded and warmed at start-up. Recent queries are served from a bounded cache: the same question asked again,
 * or by the evaluation in every mode, costs one embedding.
 */
@Startup
@ApplicationScoped
public class QueryEmbedder {

    private EmbeddingModel model;

    @PostConstruct
    void load() {
        model = new BgeSmallEnV15QuantizedEmbeddingModel();
        // load the native runtime and warm the session at start-up, not on the first user's query
        model.embed("warm-up");
    }

    @CacheResult(cacheName = "query-embeddings")
    public float[] embed(String query) {
        return model.embed(query).content().vector();
    }
}
