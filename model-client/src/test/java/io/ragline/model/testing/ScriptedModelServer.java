package io.ragline.model.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scripted OpenAI-compatible model server for tests and benchmarks, on 127.0.0.1 and a free port. It answers
 * {@code POST /v1/chat/completions} (plain and {@code stream: true}, in the response shapes vLLM and OpenAI send:
 * {@code chat.completion}, {@code chat.completion.chunk} events ending with a usage chunk and {@code [DONE]}, error
 * bodies), {@code GET /v1/models} and, once given an embedder, {@code POST /v1/embeddings}. What it answers is decided
 * per request by a script; every request is recorded, and streams that the client abandoned are counted.
 */
public final class ScriptedModelServer implements AutoCloseable {

    /** A request as the server received it. */
    public record Request(JsonNode body) {

        public String model() {
            return body.path("model").asText();
        }

        public boolean stream() {
            return body.path("stream").asBoolean(false);
        }

        public String system() {
            return content("system");
        }

        /** The last user message. */
        public String user() {
            String last = null;
            for (JsonNode m : body.path("messages")) {
                if (m.path("role").asText().equals("user")) {
                    last = text(m);
                }
            }
            return last;
        }

        public String content(String role) {
            StringBuilder out = new StringBuilder();
            for (JsonNode m : body.path("messages")) {
                if (m.path("role").asText().equals(role)) {
                    out.append(text(m));
                }
            }
            return out.toString();
        }

        private static String text(JsonNode message) {
            JsonNode c = message.path("content");
            if (c.isArray()) {
                StringBuilder s = new StringBuilder();
                c.forEach(part -> s.append(part.path("text").asText()));
                return s.toString();
            }
            return c.asText();
        }
    }

    /** What to answer. */
    public record Reply(
            int status,
            String text,
            String errorBody,
            Duration delay,
            Duration tokenDelay,
            String finishReason,
            String toolCallName,
            String toolCallArguments) {

        public static Reply text(String text) {
            return new Reply(200, text, null, Duration.ZERO, Duration.ZERO, "stop", null, null);
        }

        /** An error status with the body vLLM sends ({@code {"object":"error","message":...}}). */
        public static Reply error(int status, String message) {
            String body = "{\"object\":\"error\",\"message\":" + quote(message) + ",\"type\":\""
                    + (status == 429 ? "RateLimitError" : status >= 500 ? "InternalServerError" : "BadRequestError")
                    + "\",\"param\":null,\"code\":" + status + "}";
            return new Reply(status, null, body, Duration.ZERO, Duration.ZERO, null, null, null);
        }

        /** A tool call instead of text, as OpenAI sends it ({@code finish_reason: tool_calls}). */
        public static Reply toolCall(String name, String argumentsJson) {
            return new Reply(200, null, null, Duration.ZERO, Duration.ZERO, "tool_calls", name, argumentsJson);
        }

        /** Waits before answering at all (a slow or overloaded server). */
        public Reply delayed(Duration d) {
            return new Reply(status, text, errorBody, d, tokenDelay, finishReason, toolCallName, toolCallArguments);
        }

        /** Waits before each streamed token. */
        public Reply perToken(Duration d) {
            return new Reply(status, text, errorBody, delay, d, finishReason, toolCallName, toolCallArguments);
        }

        /** Stops as if the token limit was reached. */
        public Reply truncated() {
            return new Reply(status, text, errorBody, delay, tokenDelay, "length", toolCallName, toolCallArguments);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TOKEN = Pattern.compile("\\s*\\S+");

    private final HttpServer server;
    private final ExecutorService executor;
    private volatile Function<Request, Reply> script;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger abandoned = new AtomicInteger();
    private final AtomicInteger completedStreams = new AtomicInteger();
    private volatile Function<String, float[]> embedder;
    private final AtomicInteger embeddedTexts = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    private ScriptedModelServer(Function<Request, Reply> script) {
        this.script = script;
        try {
            // without TCP_NODELAY, a streamed chunk written right after another waits for the client's delayed ACK
            // (~40 ms): a stall no real model server has, which would swamp what the benchmarks measure
            System.setProperty("sun.net.httpserver.nodelay", "true");
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        executor = Executors.newFixedThreadPool(32, r -> {
            Thread t = new Thread(r, "scripted-model-server");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/v1/chat/completions", this::completions);
        server.createContext("/v1/models", this::models);
        server.createContext("/v1/embeddings", this::embeddings);
        server.start();
    }

    public static ScriptedModelServer start(Function<Request, Reply> script) {
        return new ScriptedModelServer(script);
    }

    /** The OpenAI API root to configure clients with, {@code http://127.0.0.1:PORT/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public void script(Function<Request, Reply> script) {
        this.script = script;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public void clearRequests() {
        requests.clear();
    }

    /**
     * Answers {@code POST /v1/embeddings} with this function's vector for each input (404 until one is set; a 503 for
     * the request when the function throws).
     */
    public void embeddings(Function<String, float[]> embedder) {
        this.embedder = embedder;
    }

    /** Texts embedded through {@code /v1/embeddings} so far. */
    public int embeddedTexts() {
        return embeddedTexts.get();
    }

    /**
     * A deterministic stand-in for an embedding model: each lower-cased word adds 1 to the dimension its hash picks,
     * then the vector is L2-normalised, so texts sharing words are close by cosine.
     */
    public static Function<String, float[]> hashedWords(int dimension) {
        return text -> {
            float[] v = new float[dimension];
            for (String word : text.toLowerCase(java.util.Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
                if (!word.isEmpty()) {
                    v[Math.floorMod(word.hashCode(), dimension)] += 1;
                }
            }
            double norm = 0;
            for (float x : v) {
                norm += x * x;
            }
            if (norm == 0) {
                v[0] = 1;
                return v;
            }
            for (int i = 0; i < v.length; i++) {
                v[i] /= (float) Math.sqrt(norm);
            }
            return v;
        };
    }

    /** Streams the client stopped reading before the end. */
    public int abandonedStreams() {
        return abandoned.get();
    }

    public int completedStreams() {
        return completedStreams.get();
    }

    /** Stops the server (again: a no-op), as a model server going away would. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    private void models(HttpExchange exchange) throws IOException {
        send(
                exchange,
                200,
                "{\"object\":\"list\",\"data\":[{\"id\":\"scripted\",\"object\":\"model\",\"owned_by\":\"ragline\"}]}");
    }

    private void embeddings(HttpExchange exchange) throws IOException {
        try (exchange) {
            Function<String, float[]> e = embedder;
            if (e == null) {
                send(exchange, 404, "{\"error\":{\"message\":\"no embedding model here\",\"type\":\"not_found\"}}");
                return;
            }
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            List<String> inputs = new ArrayList<>();
            if (body.path("input").isArray()) {
                body.path("input").forEach(n -> inputs.add(n.asText()));
            } else {
                inputs.add(body.path("input").asText());
            }
            ObjectNode out = JSON.createObjectNode().put("object", "list");
            ArrayNode data = out.putArray("data");
            int tokens = 0;
            for (int i = 0; i < inputs.size(); i++) {
                float[] embedded;
                try {
                    embedded = e.apply(inputs.get(i));
                } catch (RuntimeException failure) {
                    // an embedder that throws plays a server that is down or overloaded
                    send(
                            exchange,
                            503,
                            JSON.createObjectNode()
                                    .set(
                                            "error",
                                            JSON.createObjectNode()
                                                    .put("message", String.valueOf(failure.getMessage()))
                                                    .put("type", "unavailable"))
                                    .toString());
                    return;
                }
                ArrayNode vector = data.addObject()
                        .put("object", "embedding")
                        .put("index", i)
                        .putArray("embedding");
                for (float x : embedded) {
                    vector.add(x);
                }
                tokens += inputs.get(i).split("\\s+").length;
            }
            embeddedTexts.addAndGet(inputs.size());
            out.put("model", body.path("model").asText("scripted"));
            out.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
            send(exchange, 200, out.toString());
        }
    }

    private void completions(HttpExchange exchange) throws IOException {
        try (exchange) {
            Request request = new Request(JSON.readTree(exchange.getRequestBody()));
            requests.add(request);
            Reply reply = script.apply(request);
            pause(reply.delay());
            if (reply.status() != 200) {
                send(exchange, reply.status(), reply.errorBody());
            } else if (request.stream()) {
                stream(exchange, request, reply);
            } else {
                send(exchange, 200, completion(request, reply).toString());
            }
        } catch (IOException e) {
            abandoned.incrementAndGet();
        }
    }

    private void stream(HttpExchange exchange, Request request, Reply reply) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        String id = "chatcmpl-scripted";
        long created = System.currentTimeMillis() / 1000;
        ObjectNode first = chunk(id, created, request.model());
        ((ObjectNode) first.withArray("choices").get(0).path("delta"))
                .put("role", "assistant")
                .put("content", "");
        event(out, first.toString());
        int tokens = 0;
        if (reply.toolCallName() != null) {
            ObjectNode call = chunk(id, created, request.model());
            ArrayNode calls = ((ObjectNode) call.withArray("choices").get(0).path("delta")).putArray("tool_calls");
            ObjectNode c = calls.addObject().put("index", 0).put("id", "call_0").put("type", "function");
            c.putObject("function").put("name", reply.toolCallName()).put("arguments", reply.toolCallArguments());
            event(out, call.toString());
        } else {
            Matcher m = TOKEN.matcher(reply.text());
            while (m.find()) {
                pause(reply.tokenDelay());
                ObjectNode c = chunk(id, created, request.model());
                ((ObjectNode) c.withArray("choices").get(0).path("delta")).put("content", m.group());
                event(out, c.toString());
                tokens++;
            }
        }
        ObjectNode last = chunk(id, created, request.model());
        ((ObjectNode) last.withArray("choices").get(0)).put("finish_reason", reply.finishReason());
        event(out, last.toString());
        ObjectNode usage = JSON.createObjectNode()
                .put("id", id)
                .put("object", "chat.completion.chunk")
                .put("created", created)
                .put("model", request.model());
        usage.putArray("choices");
        usage.set("usage", usage(request, Math.max(tokens, 1)));
        event(out, usage.toString());
        event(out, "[DONE]");
        completedStreams.incrementAndGet();
    }

    private static ObjectNode chunk(String id, long created, String model) {
        ObjectNode c = JSON.createObjectNode()
                .put("id", id)
                .put("object", "chat.completion.chunk")
                .put("created", created)
                .put("model", model);
        c.putArray("choices").addObject().put("index", 0).putObject("delta");
        ((ObjectNode) c.withArray("choices").get(0)).putNull("finish_reason");
        return c;
    }

    private static ObjectNode completion(Request request, Reply reply) {
        ObjectNode body = JSON.createObjectNode()
                .put("id", "chatcmpl-scripted")
                .put("object", "chat.completion")
                .put("created", System.currentTimeMillis() / 1000)
                .put("model", request.model());
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        int tokens = 1;
        if (reply.toolCallName() != null) {
            message.putNull("content");
            ObjectNode c = message.putArray("tool_calls")
                    .addObject()
                    .put("id", "call_0")
                    .put("type", "function");
            c.putObject("function").put("name", reply.toolCallName()).put("arguments", reply.toolCallArguments());
        } else {
            message.put("content", reply.text());
            tokens = Math.max(1, countTokens(reply.text()));
        }
        choice.put("finish_reason", reply.finishReason());
        body.set("usage", usage(request, tokens));
        return body;
    }

    private static ObjectNode usage(Request request, int completionTokens) {
        int prompt = 0;
        for (JsonNode m : request.body().path("messages")) {
            prompt += countTokens(m.path("content").asText()) + 4;
        }
        return JSON.createObjectNode()
                .put("prompt_tokens", prompt)
                .put("completion_tokens", completionTokens)
                .put("total_tokens", prompt + completionTokens);
    }

    private static int countTokens(String text) {
        Matcher m = TOKEN.matcher(text == null ? "" : text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void pause(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }
}
