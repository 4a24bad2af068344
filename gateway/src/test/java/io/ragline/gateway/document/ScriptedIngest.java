package io.ragline.gateway.document;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.ragline.contracts.document.api.IntakeApi;
import io.ragline.runtime.testing.ScriptedHttp;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Ingest's intake API ({@link IntakeApi}) as a gateway test plays it, on 127.0.0.1: documents kept in memory with
 * the shape ingest gives them (no indexer runs, so they stay at the stage the gateway recorded), bodies kept by
 * reference, every call recorded. Ingest's own SQL behind this API is tested in ingest's {@code IngestIT}.
 */
public class ScriptedIngest implements QuarkusTestResourceLifecycleManager {

    private static final ObjectMapper JSON = ScriptedHttp.JSON;

    /** Documents by tenant + "/" + id, in the order they were last recorded. */
    public static final Map<String, ObjectNode> DOCUMENTS = new ConcurrentHashMap<>();

    static final List<String> ORDER = new CopyOnWriteArrayList<>();
    /** Stored bodies by reference: tenant, media type, file name, bytes. */
    public static final Map<String, Stored> CONTENTS = new ConcurrentHashMap<>();
    /** Submissions ingest has applied, by event id. */
    static final Set<String> PROCESSED = ConcurrentHashMap.newKeySet();
    /** Every call as "METHOD path?query". */
    public static final List<String> CALLS = new CopyOnWriteArrayList<>();

    public record Stored(String tenant, String mediaType, String fileName, byte[] bytes) {}

    private HttpServer server;

    /** Moves a recorded document to indexed, as ingest does once it has indexed the submission. */
    public static void indexed(String tenant, String documentId, String eventId, int chunkCount) {
        ObjectNode doc = DOCUMENTS.get(tenant + "/" + documentId);
        if (doc == null) {
            throw new IllegalStateException("no recorded document " + tenant + "/" + documentId);
        }
        String now = Instant.now().toString();
        doc.put("status", "indexed").put("chunkCount", chunkCount).put("updatedAt", now);
        ObjectNode stages = (ObjectNode) doc.path("stages");
        stages.put("parsing", now).put("embedding", now).put("indexed", now);
        PROCESSED.add(eventId);
    }

    @Override
    public Map<String, String> start() {
        server = ScriptedHttp.start(Map.of(IntakeApi.PATH + "/", ScriptedIngest::handle));
        return Map.of("quarkus.rest-client.ingest.url", ScriptedHttp.url(server));
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
        String tenant = ScriptedHttp.query(uri).get("tenant");
        if (tenant == null) {
            ScriptedHttp.send(exchange, 400, ScriptedHttp.problem(400, "tenant is required"));
            return;
        }
        switch (exchange.getRequestMethod() + " " + (path.startsWith("/documents/") ? "/documents/" : path)) {
            case "POST /contents" -> {
                String id = java.util.UUID.randomUUID().toString();
                CONTENTS.put(
                        id,
                        new Stored(
                                tenant,
                                ScriptedHttp.query(uri).get("mediaType"),
                                ScriptedHttp.query(uri).get("fileName"),
                                exchange.getRequestBody().readAllBytes()));
                ScriptedHttp.send(exchange, 200, JSON.createObjectNode().put("id", id));
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
                ScriptedHttp.noContent(exchange);
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
                ScriptedHttp.noContent(exchange);
            }
            case "GET /documents/" -> {
                String id = URLDecoder.decode(path.substring("/documents/".length()), StandardCharsets.UTF_8);
                ObjectNode doc = DOCUMENTS.get(tenant + "/" + id);
                ScriptedHttp.send(
                        exchange,
                        doc == null ? 404 : 200,
                        doc == null ? ScriptedHttp.problem(404, "no document '" + id + "'") : doc);
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
                            .put(
                                    "processed",
                                    PROCESSED.contains(s.path("eventId").asText()))
                            .put(
                                    "status",
                                    doc == null ? null : doc.path("status").asText())
                            .putNull("reason");
                }
                ScriptedHttp.send(exchange, 200, out);
            }
            default -> ScriptedHttp.send(exchange, 405, ScriptedHttp.problem(405, "method not allowed"));
        }
    }

    /** Newest first; the cursor is the position after which the next page starts, written as ingest's is. */
    private static void list(HttpExchange exchange, URI uri, String tenant) throws IOException {
        String stage = ScriptedHttp.query(uri).get("stage");
        int limit = Integer.parseInt(ScriptedHttp.query(uri).get("limit"));
        String after = ScriptedHttp.query(uri).get("after");
        int from = 0;
        if (after != null && !after.isBlank()) {
            int bar = after.indexOf('|');
            if (bar < 0) {
                ScriptedHttp.send(
                        exchange,
                        400,
                        ScriptedHttp.problem(400, "after must be the 'next' value of the previous page"));
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
        ScriptedHttp.send(exchange, 200, page);
    }
}
