package io.ragline.gateway.document;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.ragline.contracts.document.api.IntakeApi;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Ingest's intake API ({@link IntakeApi}) as a gateway test plays it, on 127.0.0.1: documents kept in memory with
 * the shape ingest gives them (no indexer runs, so they stay at the stage the gateway recorded), bodies kept by
 * reference, every call recorded. Ingest's own SQL behind this API is tested in ingest's {@code IngestIT}.
 */
public class ScriptedIngest implements QuarkusTestResourceLifecycleManager {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Documents by tenant + "/" + id, in the order they were last recorded. */
    public static final Map<String, ObjectNode> DOCUMENTS = new ConcurrentHashMap<>();

    static final List<String> ORDER = new CopyOnWriteArrayList<>();
    /** Stored bodies by reference: tenant, media type, file name, bytes. */
    public static final Map<String, Stored> CONTENTS = new ConcurrentHashMap<>();
    /** Every call as "METHOD path?query". */
    public static final List<String> CALLS = new CopyOnWriteArrayList<>();

    public record Stored(String tenant, String mediaType, String fileName, byte[] bytes) {}

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext(IntakeApi.PATH + "/", ScriptedIngest::handle);
        server.start();
        return Map.of(
                "quarkus.rest-client.ingest.url",
                "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void stop() {
        server.stop(0);
    }

    private static void handle(HttpExchange exchange) throws IOException {
        URI uri = exchange.getRequestURI();
        String path = uri.getRawPath().substring(IntakeApi.PATH.length());
        CALLS.add(
                exchange.getRequestMethod() + " " + path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        String tenant = query(uri, "tenant");
        if (tenant == null) {
            send(exchange, 400, problem(400, "tenant is required"));
            return;
        }
        switch (exchange.getRequestMethod() + " " + (path.startsWith("/documents/") ? "/documents/" : path)) {
            case "POST /contents" -> {
                String id = java.util.UUID.randomUUID().toString();
                CONTENTS.put(
                        id,
                        new Stored(
                                tenant,
                                query(uri, "mediaType"),
                                query(uri, "fileName"),
                                exchange.getRequestBody().readAllBytes()));
                send(exchange, 200, JSON.createObjectNode().put("id", id));
            }
            case "POST /queued" -> {
                for (JsonNode q : JSON.readTree(exchange.getRequestBody())) {
                    String key = tenant + "/" + q.path("documentId").asText();
                    ObjectNode doc = JSON.createObjectNode()
                            .put("documentId", q.path("documentId").asText())
                            .put("title", q.path("title").asText())
                            .put("source", q.path("source").asText())
                            .put("status", "queued")
                            .putNull("reason")
                            .put("chunkCount", 0)
                            .putNull("embeddingModel")
                            .put("updatedAt", Instant.now().toString());
                    ObjectNode stages =
                            doc.putObject("stages").put("queued", Instant.now().toString());
                    for (String stage : IntakeApi.STAGES.subList(1, IntakeApi.STAGES.size())) {
                        stages.putNull(stage);
                    }
                    DOCUMENTS.put(key, doc);
                    ORDER.remove(key);
                    ORDER.add(key);
                }
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            }
            case "POST /not-published" -> {
                JsonNode refused = JSON.readTree(exchange.getRequestBody());
                ObjectNode doc =
                        DOCUMENTS.get(tenant + "/" + refused.path("documentId").asText());
                if (doc != null && doc.path("status").asText().equals("queued")) {
                    doc.put("status", "failed")
                            .put("reason", refused.path("reason").asText());
                    ((ObjectNode) doc.path("stages"))
                            .put("failed", Instant.now().toString());
                }
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            }
            case "GET /documents/" -> {
                String id = URLDecoder.decode(path.substring("/documents/".length()), StandardCharsets.UTF_8);
                ObjectNode doc = DOCUMENTS.get(tenant + "/" + id);
                send(exchange, doc == null ? 404 : 200, doc == null ? problem(404, "no document '" + id + "'") : doc);
            }
            case "GET /documents" -> list(exchange, uri, tenant);
            case "POST /submissions" -> {
                ArrayNode out = JSON.createArrayNode();
                for (JsonNode s : JSON.readTree(exchange.getRequestBody())) {
                    ObjectNode doc =
                            DOCUMENTS.get(tenant + "/" + s.path("documentId").asText());
                    out.addObject()
                            .put("documentId", s.path("documentId").asText())
                            .put("eventId", s.path("eventId").asText())
                            .put("processed", false)
                            .put(
                                    "status",
                                    doc == null ? null : doc.path("status").asText())
                            .putNull("reason");
                }
                send(exchange, 200, out);
            }
            default -> send(exchange, 405, problem(405, "method not allowed"));
        }
    }

    /** Newest first; the cursor is the position after which the next page starts, written as ingest's is. */
    private static void list(HttpExchange exchange, URI uri, String tenant) throws IOException {
        String stage = query(uri, "stage");
        int limit = Integer.parseInt(query(uri, "limit"));
        String after = query(uri, "after");
        int from = 0;
        if (after != null && !after.isBlank()) {
            int bar = after.indexOf('|');
            if (bar < 0) {
                send(exchange, 400, problem(400, "after must be the 'next' value of the previous page"));
                return;
            }
            from = Integer.parseInt(after.substring(0, bar));
        }
        List<ObjectNode> matching = new ArrayList<>();
        for (int i = ORDER.size() - 1; i >= 0; i--) {
            String key = ORDER.get(i);
            ObjectNode doc = DOCUMENTS.get(key);
            if (key.startsWith(tenant + "/")
                    && (stage == null || doc.path("status").asText().equals(stage))) {
                matching.add(doc);
            }
        }
        ObjectNode page = JSON.createObjectNode();
        ArrayNode documents = page.putArray("documents");
        matching.stream().skip(from).limit(limit).forEach(documents::add);
        boolean more = matching.size() > from + limit;
        page.put(
                "next",
                more
                        ? (from + limit) + "|"
                                + documents.get(limit - 1).path("documentId").asText()
                        : null);
        send(exchange, 200, page);
    }

    private static ObjectNode problem(int status, String detail) {
        return JSON.createObjectNode().put("status", status).put("detail", detail);
    }

    private static String query(URI uri, String name) {
        if (uri.getRawQuery() == null) {
            return null;
        }
        for (String pair : uri.getRawQuery().split("&")) {
            if (pair.startsWith(name + "=")) {
                return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
