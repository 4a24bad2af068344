package io.ragline.retriever.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ragline.retriever.api.ChunksApi;
import io.ragline.retriever.api.SearchApi;
import io.ragline.retriever.api.SearchRequest;
import io.ragline.retriever.api.SearchResponse;
import io.smallrye.faulttolerance.api.Guard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Calls the retriever's {@code POST /v1/search} for one tenant, with the request and response records the retriever
 * itself reads and writes. Bounded by a request timeout; a connection failure or a 5xx is retried once (a SmallRye Fault
 * Tolerance guard); a timeout is not (the caller's own deadline matters more). Anything but a 200 or a refusal, or a
 * second failure, is a {@link RetrieverUnavailableException} with the reason, so the caller decides how to degrade
 * (the gateway answers that search is unavailable, never with a fake "no documents" answer). A 4xx is an
 * {@link IllegalArgumentException} carrying the retriever's reason.
 *
 * <p>Plain {@code java.net.http} rather than a Quarkus REST Client: the gateway and the agents build it from their own
 * settings (optional URLs, per-use timeouts) and its unit tests run without a Quarkus application.
 */
public final class RetrieverClient {

    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private static final Guard RETRY_ONCE = Guard.create()
            .withRetry()
            .maxRetries(1)
            .delay(100, ChronoUnit.MILLIS)
            .jitter(50, ChronoUnit.MILLIS)
            .retryOn(List.of(Unreachable.class, ServerError.class))
            .done()
            .build();

    private final String base;
    private final URI endpoint;
    private final Duration timeout;
    private final HttpClient http;

    public RetrieverClient(String baseUrl, Duration timeout) {
        this.base = baseUrl.replaceAll("/+$", "");
        this.endpoint = URI.create(base + SearchApi.PATH);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** The retriever's ranked chunks for {@code request} in {@code tenant}'s index. */
    public List<SearchResponse.Hit> search(String tenant, SearchRequest request) {
        HttpRequest call = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("content-type", "application/json")
                .header(SearchApi.TENANT_HEADER, tenant)
                .POST(HttpRequest.BodyPublishers.ofString(json(request)))
                .build();
        return call(call, SearchResponse.class).hits();
    }

    /** The tenant's chunks among {@code chunkIds} (unknown ids are left out). */
    public List<ChunksApi.Chunk> chunks(String tenant, List<String> chunkIds) {
        if (chunkIds.isEmpty()) {
            return List.of();
        }
        HttpRequest call = HttpRequest.newBuilder(URI.create(base + ChunksApi.CHUNKS_PATH))
                .timeout(timeout)
                .header("content-type", "application/json")
                .header(SearchApi.TENANT_HEADER, tenant)
                .POST(HttpRequest.BodyPublishers.ofString(json(new ChunksApi.Lookup(chunkIds))))
                .build();
        return call(call, ChunksApi.Chunks.class).chunks();
    }

    /** A document's chunks of the serving index version, in order; empty when it has none (not indexed). */
    public List<ChunksApi.Chunk> documentChunks(String tenant, String documentId) {
        String path = ChunksApi.DOCUMENT_CHUNKS_PATH.replace(
                "{id}", URLEncoder.encode(documentId, StandardCharsets.UTF_8).replace("+", "%20"));
        HttpRequest call = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(timeout)
                .header(SearchApi.TENANT_HEADER, tenant)
                .GET()
                .build();
        try {
            return call(call, ChunksApi.Chunks.class).chunks();
        } catch (NotFound e) {
            return List.of();
        }
    }

    /** What the tenant's index holds: versions, embedding models, chunks. */
    public ChunksApi.IndexSummary index(String tenant) {
        HttpRequest call = HttpRequest.newBuilder(URI.create(base + ChunksApi.INDEX_PATH))
                .timeout(timeout)
                .header(SearchApi.TENANT_HEADER, tenant)
                .GET()
                .build();
        return call(call, ChunksApi.IndexSummary.class);
    }

    private <T> T call(HttpRequest call, Class<T> type) {
        try {
            return RETRY_ONCE.get(() -> send(call, type), type);
        } catch (Unreachable e) {
            throw new RetrieverUnavailableException(
                    "retriever unreachable: " + e.getCause().getMessage(), e.getCause());
        } catch (ServerError e) {
            throw new RetrieverUnavailableException("retriever answered " + e.status, null);
        }
    }

    private <T> T send(HttpRequest call, Class<T> type) {
        HttpResponse<String> response;
        try {
            response = http.send(call, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new RetrieverUnavailableException("retriever did not answer within " + timeout, e);
        } catch (IOException e) {
            throw new Unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetrieverUnavailableException("interrupted", e);
        }
        int status = response.statusCode();
        try {
            if (status == 200) {
                return JSON.readValue(response.body(), type);
            }
            if (status == 404 && call.method().equals("GET")) {
                throw new NotFound();
            }
            if (status >= 400 && status < 500) {
                throw new IllegalArgumentException("retriever refused (" + status + "): "
                        + JSON.readTree(response.body()).path("detail").asText(response.body()));
            }
        } catch (IOException e) {
            throw new RetrieverUnavailableException("retriever answered what is not JSON: " + e.getMessage(), e);
        }
        throw new ServerError(status);
    }

    private static String json(Object request) {
        try {
            return JSON.writeValueAsString(request);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A 404 for a GET: the thing asked for is not there. */
    private static final class NotFound extends RuntimeException {
        NotFound() {
            super("not found", null, false, false);
        }
    }

    /** A connection that failed: retried. */
    private static final class Unreachable extends RuntimeException {
        Unreachable(IOException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /** A 5xx: retried. */
    private static final class ServerError extends RuntimeException {
        final int status;

        ServerError(int status) {
            super("status " + status, null, false, false);
            this.status = status;
        }
    }
}
