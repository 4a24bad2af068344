package io.ragline.retriever.rerank;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ragline.retriever.config.RetrieverConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Client of an external cross-encoder reranker's {@code POST /rerank}. The body carries the texts under both names
 * the common servers read ({@code texts}: Text Embeddings Inference; {@code documents} and {@code top_n}: vLLM and
 * Cohere-compatible servers); both answer shapes are understood. A slow, failing or unconfigured reranker yields
 * {@link Optional#empty()}: search then keeps the fused order and says it was not reranked.
 */
@ApplicationScoped
public class Reranker {

    private static final Logger LOG = Logger.getLogger(Reranker.class);

    @Inject
    RetrieverConfig config;

    @Inject
    ObjectMapper json;

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public boolean enabled() {
        return config.rerank().url().isPresent();
    }

    /** How many fused candidates to send. */
    public int candidates() {
        return config.rerank().candidates();
    }

    /** Relevance scores for {@code texts}, in their order; empty when the reranker cannot answer in time. */
    public Optional<double[]> scores(String query, List<String> texts) {
        if (!enabled() || texts.isEmpty()) {
            return Optional.empty();
        }
        String base = config.rerank().url().get().replaceAll("/+$", "");
        try {
            ObjectNode body = json.createObjectNode();
            body.put("query", query);
            body.set("texts", json.valueToTree(texts));
            body.set("documents", json.valueToTree(texts));
            body.put("top_n", texts.size());
            config.rerank().model().ifPresent(m -> body.put("model", m));
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/rerank"))
                    .timeout(config.rerank().timeout())
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
                    .build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                LOG.warnf("reranker answered %d; keeping the fused order", response.statusCode());
                return Optional.empty();
            }
            return Optional.of(parse(json.readTree(response.body()), texts.size()));
        } catch (IOException | IllegalArgumentException e) {
            LOG.warnf("reranker unavailable (%s); keeping the fused order", e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
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
