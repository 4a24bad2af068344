package io.ragline.gateway.research;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.ragline.runtime.testing.ScriptedHttp;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The agents' research-job API as a test plays it (on 127.0.0.1): jobs kept in memory with the shape the agents give
 * them, every request body recorded, and the jobs changed by the test as the agents' workers would.
 */
public class ScriptedAgents implements QuarkusTestResourceLifecycleManager {

    private static final ObjectMapper JSON = ScriptedHttp.JSON;
    private static final String PATH = "/research/jobs/";

    static final Map<String, ObjectNode> JOBS = new ConcurrentHashMap<>();
    static final Map<String, String> TENANTS = new ConcurrentHashMap<>();
    static final List<JsonNode> CREATED = new CopyOnWriteArrayList<>();

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        server = ScriptedHttp.start(Map.of(PATH, ScriptedAgents::handle));
        return Map.of("quarkus.rest-client.agents.url", ScriptedHttp.url(server));
    }

    @Override
    public void stop() {
        server.stop(0);
    }

    /** Changes a job as the agents' workers would. */
    static void update(String id, Consumer<ObjectNode> change) {
        JOBS.computeIfPresent(id, (k, job) -> {
            ObjectNode copy = job.deepCopy();
            change.accept(copy);
            return copy;
        });
    }

    private static void handle(HttpExchange exchange) throws IOException {
        URI uri = exchange.getRequestURI();
        String id = uri.getPath().substring(PATH.length());
        String tenant = ScriptedHttp.query(uri).get("tenant");
        switch (exchange.getRequestMethod()) {
            case "PUT" -> {
                JsonNode body = JSON.readTree(exchange.getRequestBody());
                CREATED.add(body);
                String owner = TENANTS.putIfAbsent(id, body.path("tenant").asText());
                if (owner == null) {
                    JOBS.put(id, job(id, body));
                    ScriptedHttp.send(exchange, 201, JOBS.get(id));
                } else if (owner.equals(body.path("tenant").asText())) {
                    ScriptedHttp.send(exchange, 200, JOBS.get(id));
                } else {
                    ScriptedHttp.send(
                            exchange, 409, ScriptedHttp.problem(409, "research job id '" + id + "' is taken"));
                }
            }
            case "GET" -> {
                ObjectNode job = tenant != null && tenant.equals(TENANTS.get(id)) ? JOBS.get(id) : null;
                ScriptedHttp.send(
                        exchange,
                        job == null ? 404 : 200,
                        job == null ? ScriptedHttp.problem(404, "no such job") : job);
            }
            case "DELETE" -> {
                ObjectNode job = tenant != null && tenant.equals(TENANTS.get(id)) ? JOBS.get(id) : null;
                if (job == null) {
                    ScriptedHttp.send(exchange, 404, ScriptedHttp.problem(404, "no such job"));
                } else if (!job.path("status").asText().equals("queued")) {
                    ScriptedHttp.send(exchange, 409, ScriptedHttp.problem(409, "finished already"));
                } else {
                    update(id, j -> j.put("status", "cancelled").put("cancelRequested", true));
                    ScriptedHttp.send(exchange, 200, JOBS.get(id));
                }
            }
            default -> ScriptedHttp.send(exchange, 405, ScriptedHttp.problem(405, "method not allowed"));
        }
    }

    private static ObjectNode job(String id, JsonNode body) {
        ObjectNode job = JSON.createObjectNode()
                .put("id", id)
                .put("question", body.path("question").asText())
                .put("breadth", body.path("breadth").asInt())
                .put("depth", body.path("depth").asInt())
                .put("maxSources", body.path("maxSources").asInt())
                .put("status", "queued")
                .put("cancelRequested", false);
        job.putObject("budget")
                .put("steps", body.path("maxSteps").asInt())
                .put("tokens", body.path("maxTokens").asInt())
                .put(
                        "deadline",
                        Instant.now()
                                .plusSeconds(body.path("maxTimeSeconds").asLong())
                                .toString());
        job.putArray("steps");
        job.putNull("reportMarkdown");
        job.putObject("progress")
                .put("stage", "queued")
                .put("completedSteps", 0)
                .put("totalSteps", 0);
        return job;
    }
}
