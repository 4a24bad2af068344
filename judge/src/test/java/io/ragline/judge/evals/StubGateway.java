package io.ragline.judge.evals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.ragline.runtime.testing.ScriptedHttp;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The gateway on 127.0.0.1. Its streamed {@code POST /v1/chat}: a knowledgeable answerer (the right document first,
 * the reference answer) or, once degraded, a poor one (a wrong document, a wrong answer). Its answers API
 * ({@code GET /admin/answers}, {@link io.ragline.contracts.answer.api.AnswersApi}): the answered turns a test put in
 * {@link #ANSWERS}, oldest first, page by page, for the admin token {@link #ADMIN_TOKEN} only.
 */
public class StubGateway implements QuarkusTestResourceLifecycleManager {

    static final AtomicBoolean DEGRADED = new AtomicBoolean();
    static final Map<String, String[]> KNOWLEDGE = Map.of(
            "Who wrote Hamlet?", new String[] {"William Shakespeare", "doc-hamlet"},
            "What is the capital of France?", new String[] {"Paris", "doc-france"},
            "How many legs does a spider have?", new String[] {"eight", "doc-spider"},
            "What gas do plants absorb?", new String[] {"carbon dioxide", "doc-plants"});
    public static final String ADMIN_TOKEN = "judge-test-admin";
    /** Answered turns by tenant, oldest first, in the shape of {@code AnswersApi.Answer}. */
    public static final Map<String, List<ObjectNode>> ANSWERS = new ConcurrentHashMap<>();

    private static final ObjectMapper JSON = new ObjectMapper();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/v1/chat", exchange -> {
            try (exchange) {
                JsonNode body = JSON.readTree(exchange.getRequestBody());
                String[] known = KNOWLEDGE.getOrDefault(body.path("message").asText(), new String[] {"no idea", "x"});
                boolean bad = DEGRADED.get();
                String answer = (bad ? "I think it is unknown" : known[0]) + " [1].";
                String doc = bad ? "doc-unrelated" : known[1];
                ObjectNode source = JSON.createObjectNode()
                        .put("n", 1)
                        .put("chunkId", doc + "#0")
                        .put("documentId", doc)
                        .put("title", doc)
                        .put("snippet", "a passage of " + doc);
                ObjectNode retrieval =
                        JSON.createObjectNode().put("conversationId", "c").put("query", "q");
                retrieval.putArray("sources").add(source);
                ObjectNode done = JSON.createObjectNode()
                        .put("conversationId", "c")
                        .put("turn", 1)
                        .put("answer", answer)
                        .put("mode", "extractive")
                        .put("model", "none");
                done.putArray("citations").add(source);
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                out.write(("event: retrieval\ndata: " + retrieval + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.write(("event: token\ndata: {\"text\":\"" + answer + "\"}\n\n").getBytes(StandardCharsets.UTF_8));
                out.write(("event: done\ndata: " + done + "\n\n").getBytes(StandardCharsets.UTF_8));
            }
        });
        server.createContext("/admin/answers", exchange -> {
            try (exchange) {
                if (!("Bearer " + ADMIN_TOKEN)
                        .equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    ScriptedHttp.send(exchange, 401, ScriptedHttp.problem(401, "wrong admin token"));
                    return;
                }
                Map<String, String> query = ScriptedHttp.query(exchange.getRequestURI());
                boolean rated = Boolean.parseBoolean(query.get("rated"));
                int limit = Integer.parseInt(query.get("limit"));
                String after = query.get("after");
                int from =
                        after == null || after.isBlank() ? 0 : Integer.parseInt(after.substring(0, after.indexOf('|')));
                List<ObjectNode> all = ANSWERS.getOrDefault(query.get("tenant"), List.of()).stream()
                        .filter(a -> !rated || !a.path("rating").isNull())
                        .toList();
                ObjectNode page = JSON.createObjectNode();
                ArrayNode answers = page.putArray("answers");
                all.stream().skip(from).limit(limit).forEach(answers::add);
                boolean more = all.size() > from + limit;
                page.put(
                        "next",
                        more
                                ? (from + limit) + "|"
                                        + answers.get(limit - 1).path("eventId").asText()
                                : null);
                ScriptedHttp.send(exchange, 200, page);
            }
        });
        server.start();
        return Map.of(
                "judge.evals.gateway-url",
                "http://127.0.0.1:" + server.getAddress().getPort(),
                "judge.evals.scheduled",
                "false",
                "judge.exports.gateway-admin-token",
                ADMIN_TOKEN,
                "judge.exports.page-size",
                "2");
    }

    @Override
    public void stop() {
        server.stop(0);
    }
}
