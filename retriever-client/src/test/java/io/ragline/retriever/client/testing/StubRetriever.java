package io.ragline.retriever.client.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.ragline.retriever.api.ChunksApi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The retriever's {@code POST /v1/search} on 127.0.0.1, answering with the hits a test sets, recording each request
 * (tenant header and body), and its chunk reads ({@link ChunksApi}) over the chunks a test indexes: for tests and
 * benchmarks of the gateway, the agents and the judge without a search index.
 */
public final class StubRetriever implements AutoCloseable {

    public record Hit(String chunkId, String documentId, String title, String text, double vectorScore) {}

    public record Received(String tenant, JsonNode body) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile java.util.function.Function<String, List<Hit>> hits = q -> List.of();
    private volatile int status = 200;
    private volatile String problem = "";
    private final java.util.Map<String, List<ChunksApi.Chunk>> indexed = new java.util.concurrent.ConcurrentHashMap<>();

    public StubRetriever() {
        try {
            // without TCP_NODELAY, a streamed chunk written right after another waits for the client's delayed ACK
            // (~40 ms): a stall no real model server has, which would swamp what the benchmarks measure
            System.setProperty("sun.net.httpserver.nodelay", "true");
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "stub-retriever");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/v1/search", exchange -> {
            try (exchange) {
                JsonNode body = JSON.readTree(exchange.getRequestBody());
                received.add(new Received(exchange.getRequestHeaders().getFirst("Ragline-Tenant"), body));
                byte[] out;
                if (status != 200) {
                    out = JSON.createObjectNode()
                            .put("status", status)
                            .put("detail", problem)
                            .toString()
                            .getBytes(StandardCharsets.UTF_8);
                } else {
                    out = response(body.path("query").asText()).getBytes(StandardCharsets.UTF_8);
                }
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, out.length);
                exchange.getResponseBody().write(out);
            }
        });
        server.createContext("/v1/chunks", exchange -> {
            try (exchange) {
                JsonNode body = JSON.readTree(exchange.getRequestBody());
                String tenant = exchange.getRequestHeaders().getFirst("Ragline-Tenant");
                java.util.Set<String> ids = new java.util.HashSet<>();
                body.path("ids").forEach(id -> ids.add(id.asText()));
                send(
                        exchange,
                        200,
                        new ChunksApi.Chunks(chunksOf(tenant).stream()
                                .filter(c -> ids.contains(c.chunkId()))
                                .toList()));
            }
        });
        server.createContext("/v1/documents/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                String id = path.substring("/v1/documents/".length(), path.length() - "/chunks".length());
                List<ChunksApi.Chunk> chunks =
                        chunksOf(exchange.getRequestHeaders().getFirst("Ragline-Tenant")).stream()
                                .filter(c -> c.documentId().equals(id))
                                .sorted(java.util.Comparator.comparingInt(ChunksApi.Chunk::ordinal))
                                .toList();
                if (chunks.isEmpty()) {
                    send(
                            exchange,
                            404,
                            JSON.createObjectNode().put("status", 404).put("detail", "not indexed"));
                } else {
                    send(exchange, 200, new ChunksApi.Chunks(chunks));
                }
            }
        });
        server.createContext("/v1/index", exchange -> {
            try (exchange) {
                List<ChunksApi.Chunk> chunks =
                        chunksOf(exchange.getRequestHeaders().getFirst("Ragline-Tenant"));
                send(
                        exchange,
                        200,
                        new ChunksApi.IndexSummary(
                                chunks.isEmpty() ? List.of() : List.of(1),
                                chunks.isEmpty() ? List.of() : List.of("stub"),
                                chunks.size()));
            }
        });
        server.start();
    }

    /** The indexed chunks of a tenant, for {@code POST /v1/chunks}, {@code GET /v1/documents/{id}/chunks}, {@code GET /v1/index}. */
    public void index(String tenant, List<ChunksApi.Chunk> chunks) {
        indexed.put(tenant, List.copyOf(chunks));
    }

    private List<ChunksApi.Chunk> chunksOf(String tenant) {
        return indexed.getOrDefault(tenant == null ? "default" : tenant, List.of());
    }

    private static void send(com.sun.net.httpserver.HttpExchange exchange, int status, Object body) throws IOException {
        byte[] out = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, out.length);
        exchange.getResponseBody().write(out);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void answer(List<Hit> hits) {
        List<Hit> fixed = List.copyOf(hits);
        answer(q -> fixed);
    }

    /** Hits chosen by the query. */
    public void answer(java.util.function.Function<String, List<Hit>> byQuery) {
        this.hits = byQuery;
        this.status = 200;
    }

    public void refuse(int status, String detail) {
        this.status = status;
        this.problem = detail;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public void clear() {
        received.clear();
        status = 200;
    }

    private String response(String query) {
        ObjectNode r = JSON.createObjectNode().put("query", query).put("mode", "hybrid");
        ArrayNode out = r.putArray("hits");
        int rank = 1;
        for (Hit h : hits.apply(query)) {
            ObjectNode o = out.addObject()
                    .put("rank", rank++)
                    .put("score", h.vectorScore())
                    .put("chunkId", h.chunkId())
                    .put("documentId", h.documentId())
                    .put("title", h.title())
                    .put("source", "api")
                    .put("text", h.text())
                    .put("headingPath", h.title())
                    .put("startOffset", 0)
                    .put("endOffset", h.text().length())
                    .put("vectorScore", h.vectorScore())
                    .put("keywordScore", 1.0);
            o.putObject("metadata");
        }
        return r.toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
