package io.ragline.retriever.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ragline.retriever.api.ChunksApi;
import io.ragline.retriever.api.SearchRequest;
import io.ragline.retriever.api.SearchResponse;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.eclipse.microprofile.rest.client.RestClientBuilder;
import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

/**
 * Calls the retriever ({@link RetrieverApi}, a Quarkus REST Client) for one tenant. Bounded by a connect and a read
 * timeout; a connection failure or a 5xx is retried once (a SmallRye Fault Tolerance guard); a timeout is not (the
 * caller's own deadline matters more). Anything but a 200 or a refusal, or a second failure, is a
 * {@link RetrieverUnavailableException} with the reason, so the caller decides how to degrade (the gateway answers
 * that search is unavailable, never with a fake "no documents" answer). A 4xx is an {@link IllegalArgumentException}
 * carrying the retriever's reason.
 *
 * <p>Built with the REST Client's programmatic builder rather than injected with {@code @RestClient}: each service
 * names the retriever in its own settings, where the URL may be unset (the agents then run without it), and the
 * agents use two timeouts for two kinds of work.
 */
public final class RetrieverClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Guard RETRY_ONCE = Guard.create()
            .withRetry()
            .maxRetries(1)
            .delay(100, ChronoUnit.MILLIS)
            .jitter(50, ChronoUnit.MILLIS)
            .retryOn(List.of(Unreachable.class, ServerError.class))
            .done()
            .build();

    private final RetrieverApi api;
    private final Duration timeout;

    /** A client of the retriever at {@code baseUrl} whose calls wait at most {@code timeout} to connect and answer. */
    public RetrieverClient(String baseUrl, Duration timeout) {
        this.timeout = timeout;
        this.api = RestClientBuilder.newBuilder()
                .baseUri(URI.create(baseUrl.replaceAll("/+$", "")))
                .connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .register(new Errors())
                .build(RetrieverApi.class);
    }

    /** The retriever's ranked chunks for {@code request} in {@code tenant}'s index. */
    public List<SearchResponse.Hit> search(String tenant, SearchRequest request) {
        return call(() -> api.search(tenant, request)).hits();
    }

    /** The tenant's chunks among {@code chunkIds} (unknown ids are left out). */
    public List<ChunksApi.Chunk> chunks(String tenant, List<String> chunkIds) {
        if (chunkIds.isEmpty()) {
            return List.of();
        }
        return call(() -> api.chunks(tenant, new ChunksApi.Lookup(chunkIds))).chunks();
    }

    /** A document's chunks of the serving index version, in order; empty when it has none (not indexed). */
    public List<ChunksApi.Chunk> documentChunks(String tenant, String documentId) {
        try {
            return call(() -> api.documentChunks(tenant, documentId)).chunks();
        } catch (NotFound e) {
            return List.of();
        }
    }

    /** What the tenant's index holds: versions, embedding models, chunks. */
    public ChunksApi.IndexSummary index(String tenant) {
        return call(() -> api.index(tenant));
    }

    private <T> T call(Supplier<T> call) {
        try {
            @SuppressWarnings("unchecked")
            T answer = (T) RETRY_ONCE.get(() -> send(call), Object.class);
            return answer;
        } catch (Unreachable e) {
            throw new RetrieverUnavailableException(
                    "retriever unreachable: " + e.getCause().getMessage(), e.getCause());
        } catch (ServerError e) {
            throw new RetrieverUnavailableException("retriever answered " + e.status, null);
        }
    }

    private <T> T send(Supplier<T> call) {
        try {
            return call.get();
        } catch (ProcessingException e) {
            if (timedOut(e)) {
                throw new RetrieverUnavailableException("retriever did not answer within " + timeout, e);
            }
            throw new Unreachable(e.getCause() == null ? e : e.getCause());
        }
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException
                    || t instanceof HttpTimeoutException
                    || t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** The retriever's refusals and failures as the exceptions this client's callers handle. */
    static final class Errors implements ResponseExceptionMapper<RuntimeException> {

        @Override
        public RuntimeException toThrowable(Response response) {
            int status = response.getStatus();
            if (status == 404) {
                return new NotFound();
            }
            if (status >= 500) {
                return new ServerError(status);
            }
            String body = response.hasEntity() ? response.readEntity(String.class) : "";
            return new IllegalArgumentException("retriever refused (" + status + "): " + detail(body));
        }

        @Override
        public boolean handles(int status, MultivaluedMap<String, Object> headers) {
            return status >= 400;
        }

        private static String detail(String body) {
            try {
                return JSON.readTree(body).path("detail").asText(body);
            } catch (Exception e) {
                return body;
            }
        }
    }

    /** A 404: the thing asked for is not there. */
    private static final class NotFound extends RuntimeException {
        NotFound() {
            super("not found", null, false, false);
        }
    }

    /** A connection that failed: retried. */
    private static final class Unreachable extends RuntimeException {
        Unreachable(Throwable cause) {
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
