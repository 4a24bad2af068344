package io.ragline.retriever.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Calls the retriever's {@code POST /v1/search} for one tenant. Bounded by a request timeout; a connection failure or
 * a 5xx is retried once; anything else, or a second failure, is a {@link RetrieverUnavailableException} with the
 * reason, so the caller decides how to degrade (the gateway answers that search is unavailable, never with a fake
 * "no documents" answer). A 4xx is a {@link IllegalArgumentException} carrying the retriever's reason.
 */
public final class RetrieverClient {

    /**
     * One ranked chunk, with what a citation needs; {@code vectorScore} is the cosine similarity between the query and
     * the chunk (an absolute measure of evidence, unlike the fused {@code score}), {@code keywordScore} its BM25.
     */
    public record Hit(
            int rank,
            double score,
            String chunkId,
            String documentId,
            String title,
            String source,
            JsonNode metadata,
            String text,
            String headingPath,
            int startOffset,
            int endOffset,
            double vectorScore,
            double keywordScore) {}

    /** What to search: {@code mode} is vector, keyword or hybrid; {@code filters} as the retriever takes them. */
    public record Search(String query, int topK, String mode, JsonNode filters, boolean mmr) {
        public Search {
            Objects.requireNonNull(query, "query");
        }

        public static Search of(String query, int topK) {
            return new Search(query, topK, "hybrid", null, false);
        }
    }

    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final URI endpoint;
    private final Duration timeout;
    private final HttpClient http;

    public RetrieverClient(String baseUrl, Duration timeout) {
        this.endpoint = URI.create(baseUrl.replaceAll("/+$", "") + "/v1/search");
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public List<Hit> search(String tenant, Search search) {
        ObjectNode body = JSON.createObjectNode()
                .put("query", search.query())
                .put("topK", search.topK())
                .put("mode", search.mode() == null ? "hybrid" : search.mode());
        if (search.filters() != null && !search.filters().isNull()) {
            body.set("filters", search.filters());
        }
        if (search.mmr()) {
            body.put("mmr", true);
        }
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("content-type", "application/json")
                .header("Ragline-Tenant", tenant)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        RetrieverUnavailableException last = null;
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status == 200) {
                    return hits(JSON.readTree(response.body()));
                }
                if (status >= 400 && status < 500) {
                    throw new IllegalArgumentException("search refused (" + status + "): "
                            + JSON.readTree(response.body()).path("detail").asText(response.body()));
                }
                last = new RetrieverUnavailableException("retriever answered " + status, null);
            } catch (java.net.http.HttpTimeoutException e) {
                // a slow retriever is not retried: the caller's own deadline matters more
                throw new RetrieverUnavailableException("retriever did not answer within " + timeout, e);
            } catch (IOException e) {
                last = new RetrieverUnavailableException("retriever unreachable: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetrieverUnavailableException("interrupted", e);
            }
        }
        throw last;
    }

    private static List<Hit> hits(JsonNode response) {
        List<Hit> hits = new ArrayList<>();
        for (JsonNode h : response.path("hits")) {
            hits.add(new Hit(
                    h.path("rank").asInt(),
                    h.path("score").asDouble(),
                    h.path("chunkId").asText(),
                    h.path("documentId").asText(),
                    h.path("title").isNull() ? null : h.path("title").asText(null),
                    h.path("source").isNull() ? null : h.path("source").asText(null),
                    h.path("metadata"),
                    h.path("text").asText(),
                    h.path("headingPath").isNull()
                            ? null
                            : h.path("headingPath").asText(null),
                    h.path("startOffset").asInt(),
                    h.path("endOffset").asInt(),
                    h.path("vectorScore").asDouble(),
                    h.path("keywordScore").asDouble()));
        }
        return hits;
    }
}
