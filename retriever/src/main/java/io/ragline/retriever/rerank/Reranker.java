package io.ragline.retriever.rerank;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ragline.retriever.config.RetrieverConfig;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.rest.client.RestClientBuilder;
import org.jboss.logging.Logger;

/**
 * Client of an external cross-encoder reranker's {@code POST /rerank} ({@link RerankApi}). The body carries the texts
 * under both names the common servers read ({@code texts}: Text Embeddings Inference; {@code documents} and
 * {@code top_n}: vLLM and Cohere-compatible servers); both answer shapes are understood. A slow (beyond
 * {@code retriever.rerank.timeout}), failing or unconfigured reranker yields {@link Optional#empty()}: search then
 * keeps the fused order and says it was not reranked. After five failed calls in a row the circuit breaker
 * {@value #BREAKER} skips the reranker for 30 s, so that a reranker that is down does not cost every search its
 * timeout.
 */
@ApplicationScoped
public class Reranker {

    static final String BREAKER = "retriever-reranker";
    private static final Logger LOG = Logger.getLogger(Reranker.class);

    @Inject
    RetrieverConfig config;

    @Inject
    ObjectMapper json;

    /** Null when no reranker is configured. */
    private RerankApi api;

    @PostConstruct
    void init() {
        config.rerank().url().ifPresent(url -> {
            long timeout = config.rerank().timeout().toMillis();
            api = RestClientBuilder.newBuilder()
                    .baseUri(URI.create(url.replaceAll("/+$", "")))
                    .connectTimeout(timeout, TimeUnit.MILLISECONDS)
                    .readTimeout(timeout, TimeUnit.MILLISECONDS)
                    .build(RerankApi.class);
        });
    }

    public boolean enabled() {
        return api != null;
    }

    /** How many fused candidates to send. */
    public int candidates() {
        return config.rerank().candidates();
    }

    /** Relevance scores for {@code texts}, in their order; empty when the reranker cannot answer in time. */
    @CircuitBreaker(requestVolumeThreshold = 5, failureRatio = 1.0, delay = 30_000)
    @CircuitBreakerName(BREAKER)
    @Fallback(fallbackMethod = "fusedOrder")
    public Optional<double[]> scores(String query, List<String> texts) {
        if (!enabled() || texts.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode body = json.createObjectNode();
        body.put("query", query);
        body.set("texts", json.valueToTree(texts));
        body.set("documents", json.valueToTree(texts));
        body.put("top_n", texts.size());
        config.rerank().model().ifPresent(m -> body.put("model", m));
        try {
            return Optional.of(parse(json.readTree(api.rerank(body)), texts.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Optional<double[]> fusedOrder(String query, List<String> texts, Throwable failure) {
        LOG.warnf("reranker unavailable (%s); keeping the fused order", failure.toString());
        return Optional.empty();
    }

    /** TEI: {@code [{index, score}]}; vLLM / Cohere: {@code {results: [{index, relevance_score}]}}. */
    static double[] parse(JsonNode answer, int n) throws IOException {
        JsonNode items = answer.isArray() ? answer : answer.path("results");
        if (!items.isArray()) {
            throw new IOException("unexpected reranker answer: " + abbreviate(answer.toString()));
        }
        double[] scores = new double[n];
        java.util.Arrays.fill(scores, Double.NEGATIVE_INFINITY);
        for (JsonNode item : items) {
            int index = item.path("index").asInt(-1);
            JsonNode score = item.has("relevance_score") ? item.get("relevance_score") : item.get("score");
            if (index < 0 || index >= n || score == null || !score.isNumber()) {
                throw new IOException("unexpected reranker item: " + abbreviate(item.toString()));
            }
            scores[index] = score.asDouble();
        }
        return scores;
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
