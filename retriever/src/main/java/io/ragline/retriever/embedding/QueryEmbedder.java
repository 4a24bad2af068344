package io.ragline.retriever.embedding;

import dev.langchain4j.model.embedding.EmbeddingModel;
import io.quarkus.cache.CacheResult;
import io.quarkus.runtime.Startup;
import io.ragline.embedding.BgeOnnxEmbeddingModel;
import io.ragline.model.EmbeddingServer;
import io.ragline.retriever.config.RetrieverConfig;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Embeds queries with the model ingest embedded the chunks with: the in-process ONNX model (bge-small-en-v1.5,
 * quantized; shipped inside the jar, nothing downloaded; the same runner as ingest's), loaded and warmed at start-up, or the OpenAI-compatible
 * embedding server of {@code retriever.embedding.url}. Recent queries are served from a bounded cache: the same
 * question asked again, or by the evaluation in every mode, costs one embedding.
 */
@Startup
@ApplicationScoped
public class QueryEmbedder {

    private static final Logger LOG = Logger.getLogger(QueryEmbedder.class);

    @Inject
    RetrieverConfig config;

    private EmbeddingModel model;

    @PostConstruct
    void load() {
        RetrieverConfig.Embedding embedding = config.embedding();
        if (embedding.url().isPresent()) {
            // no warm-up call: the server may come up after this service, and a query then waits for it
            model = EmbeddingServer.connect(
                    embedding.url().get(),
                    embedding.apiKey(),
                    embedding.modelName(),
                    BgeOnnxEmbeddingModel.DIMENSION,
                    embedding.timeout(),
                    0,
                    1);
            LOG.infof("embedding queries with the %s", model);
            return;
        }
        // ingest's runner: each request thread runs its query on a single-threaded session, so concurrent queries
        // share the cores instead of each spreading over all of them (and the keyword statement running meanwhile)
        model = new BgeOnnxEmbeddingModel(1);
        // load the native runtime and warm the session at start-up, not on the first user's query
        model.embed("warm-up");
    }

    @PreDestroy
    void close() throws Exception {
        if (model instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    /**
     * @throws EmbeddingServer.EmbeddingServerException when the embedding server fails or times out (not cached)
     */
    @CacheResult(cacheName = "query-embeddings")
    public float[] embed(String query) {
        return model.embed(query).content().vector();
    }
}
