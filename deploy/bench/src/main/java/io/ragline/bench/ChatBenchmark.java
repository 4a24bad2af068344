package io.ragline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ragline.model.testing.ScriptedModelServer;
import io.ragline.platform.Platform;
import io.ragline.platform.Settings;
import io.ragline.retriever.client.testing.StubRetriever;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * {@code ./ragline bench-chat}: what the gateway adds to a streamed answer. The platform runs with its model server
 * and retriever replaced by in-process stubs (a scripted OpenAI-compatible server streaming a 56-token answer at one
 * token per 10 ms, a retriever returning four passages at once), so what remains is the gateway's own work: conversation
 * rows, prompt, SSE relaying, the answer-produced event. Each round measures, side by side, streamed answers through
 * {@code POST /v1/chat} and streamed completions asked of the stub directly with the same prompt size, at each
 * concurrency; time to first token and total time, p50/p99, and the gateway's added latency at p50.
 */
final class ChatBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANSWER = ("Consumers in one group share the partitions of a topic [1], and each"
            + " partition is read by exactly one consumer of the group at a time [1]. When a consumer joins or"
            + " leaves, the group rebalances and partitions move [2]. Offsets are committed per partition so a"
            + " restarted consumer resumes where its predecessor stopped [3].");

    private ChatBenchmark() {}

    private record Sample(long firstTokenMicros, long totalMicros, String doneLine) {}

    static int run(Settings base, List<Integer> clients, int seconds, int rounds, int tokenMillis) throws Exception {
        Duration perToken = Duration.ofMillis(tokenMillis);
        try (ScriptedModelServer model = ScriptedModelServer.start(
                        r -> ScriptedModelServer.Reply.text(ANSWER).perToken(perToken));
                StubRetriever retriever = new StubRetriever()) {
            List<StubRetriever.Hit> hits = new ArrayList<>();
            for (int n = 1; n <= 4; n++) {
                hits.add(new StubRetriever.Hit(
                        "chunk-" + n,
                        "doc-" + n,
                        "Kafka guide part " + n,
                        ("Kafka consumers in a group share the partitions of the topics they subscribe to. ").repeat(9),
                        0.8));
            }
            retriever.answer(hits);
            Settings settings = base.withDataDir(base.home().resolve("var/bench-chat"));
            try (Platform platform = new Platform(settings)
                    .withEnv("gateway", "GATEWAY_RETRIEVER_URL", retriever.url())
                    .withEnv("gateway", "GATEWAY_MODEL_BASE_URL", model.baseUrl())
                    .withEnv("gateway", "GATEWAY_MODEL_NAME", "bench")
                    .start(System.out::println)) {
                String gateway = platform.url("gateway");
                HttpClient http = HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(5))
                        .version(HttpClient.Version.HTTP_1_1)
                        .build();
                String directBody = directRequest();
                // warm both paths (JIT, connection pools)
                measure(16, 20, () -> gatewayCall(http, gateway));
                measure(16, 10, () -> directCall(http, model.baseUrl(), directBody));
                System.out.println();
                System.out.printf(
                        "Gateway overhead over a stub model server streaming %d tokens, one per %d ms (%d rounds of %d s"
                                + " per path and concurrency, alternating), %s, %d cores%n%n",
                        ANSWER.split("\\s+").length,
                        tokenMillis,
                        rounds,
                        seconds,
                        LocalDate.now(),
                        Runtime.getRuntime().availableProcessors());
                List<String> breakdown = new ArrayList<>();
                System.out.println("| streams | path | answers | first token p50 / p99 | total p50 / p99 |");
                System.out.println("|---|---|---|---|---|");
                for (int c : clients) {
                    List<Sample> viaGateway = new ArrayList<>();
                    List<Sample> direct = new ArrayList<>();
                    for (int r = 0; r < rounds; r++) {
                        viaGateway.addAll(measure(c, seconds, () -> gatewayCall(http, gateway)));
                        direct.addAll(measure(c, seconds, () -> directCall(http, model.baseUrl(), directBody)));
                    }
                    row(c, "direct to the stub", direct);
                    row(c, "through POST /v1/chat", viaGateway);
                    breakdown.add(c + " streams: " + breakdown(viaGateway));
                    System.out.printf(
                            "| %d | **added by the gateway (p50)** | | **%.1f ms** | **%.1f ms** |%n",
                            c,
                            (pct(viaGateway, true, 50) - pct(direct, true, 50)) / 1000.0,
                            (pct(viaGateway, false, 50) - pct(direct, false, 50)) / 1000.0);
                }
                System.out.println();
                System.out.println("Inside the gateway (medians of the answers' own latencies, ms):");
                breakdown.forEach(b -> System.out.println("  " + b));
            }
        }
        return 0;
    }

    /** Medians of the retrieval, generation and total times the gateway reports in each answer's done event. */
    private static String breakdown(List<Sample> samples) throws Exception {
        List<Long> retrieval = new ArrayList<>();
        List<Long> generation = new ArrayList<>();
        List<Long> total = new ArrayList<>();
        for (Sample s : samples) {
            if (s.doneLine() == null) {
                continue;
            }
            var l = JSON.readTree(s.doneLine().substring(6)).path("latencies");
            retrieval.add(l.path("retrievalMs").asLong());
            generation.add(l.path("generationMs").asLong());
            total.add(l.path("totalMs").asLong());
        }
        return "retrieval " + median(retrieval) + ", generation " + median(generation) + ", total " + median(total);
    }

    private static long median(List<Long> v) {
        if (v.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(v);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static void row(int clients, String path, List<Sample> samples) {
        System.out.printf(
                "| %d | %s | %d | %.1f / %.1f ms | %.1f / %.1f ms |%n",
                clients,
                path,
                samples.size(),
                pct(samples, true, 50) / 1000.0,
                pct(samples, true, 99) / 1000.0,
                pct(samples, false, 50) / 1000.0,
                pct(samples, false, 99) / 1000.0);
    }

    private static double pct(List<Sample> samples, boolean firstToken, int p) {
        List<Long> v = new ArrayList<>(samples.stream()
                .map(s -> firstToken ? s.firstTokenMicros() : s.totalMicros())
                .toList());
        Collections.sort(v);
        return v.get(Math.min(v.size() - 1, (int) Math.ceil(p / 100.0 * v.size()) - 1));
    }

    private interface Call {
        Sample once() throws Exception;
    }

    private static List<Sample> measure(int clients, int seconds, Call call) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<List<Sample>>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> {
                List<Sample> out = new ArrayList<>();
                while (System.nanoTime() < end) {
                    out.add(call.once());
                }
                return out;
            }));
        }
        List<Sample> all = new ArrayList<>();
        for (Future<List<Sample>> f : futures) {
            all.addAll(f.get());
        }
        pool.shutdown();
        return all;
    }

    private static Sample gatewayCall(HttpClient http, String gateway) throws Exception {
        String body = "{\"message\":\"How do Kafka consumers in a group share the work?\",\"stream\":true}";
        return stream(
                http,
                HttpRequest.newBuilder(URI.create(gateway + "/v1/chat"))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                "event: token",
                "event: done");
    }

    private static Sample directCall(HttpClient http, String baseUrl, String body) throws Exception {
        return stream(
                http,
                HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                "\"content\":\"Consumers",
                "data: [DONE]");
    }

    /** Times the first line containing {@code first} and the line containing {@code last}, reading to the end. */
    private static Sample stream(HttpClient http, HttpRequest request, String first, String last) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode());
        }
        long firstAt = -1;
        long lastAt = -1;
        String done = null;
        try (Stream<String> lines = response.body()) {
            Iterator<String> it = lines.iterator();
            while (it.hasNext()) {
                String line = it.next();
                if (firstAt < 0 && line.contains(first)) {
                    firstAt = System.nanoTime();
                }
                if (line.contains(last)) {
                    lastAt = System.nanoTime();
                }
                if (line.startsWith("data: {\"conversationId\"") && line.contains("\"latencies\"")) {
                    done = line;
                }
            }
        }
        if (firstAt < 0 || lastAt < 0) {
            throw new IllegalStateException(request.uri() + ": the stream lacked '" + first + "' or '" + last + "'");
        }
        return new Sample((firstAt - t0) / 1000, (lastAt - t0) / 1000, done);
    }

    /** A completion request of the size the gateway sends: its system prompt and four quoted passages. */
    private static String directRequest() {
        ObjectNode body = JSON.createObjectNode().put("model", "bench").put("stream", true);
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", "x ".repeat(450));
        messages.addObject()
                .put("role", "user")
                .put(
                        "content",
                        ("Kafka consumers in a group share the partitions of the topics they subscribe to. ").repeat(40)
                                + "Question: How do Kafka consumers in a group share the work?");
        body.putObject("stream_options").put("include_usage", true);
        return body.toString();
    }
}
