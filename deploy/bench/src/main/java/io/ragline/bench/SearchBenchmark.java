package io.ragline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pgvector.PGvector;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import io.ragline.eval.Dataset;
import io.ragline.platform.Platform;
import io.ragline.platform.Settings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./ragline bench-search [BEIR_DIR] [--clients 1,4,16] [--seconds 60]}: with the corpus indexed (the same
 * index {@code eval retrieval} builds and reuses), measures {@code POST /v1/search} in hybrid mode, top 10, at each
 * number of concurrent clients for the given time, and in the same run the baseline: a minimal Java loop that embeds
 * the query with the same in-process model and runs one top-10 vector query over JDBC (the least work any retriever
 * must do). Every request carries a distinct query text (the dataset's queries, each time with a request number
 * appended), so neither side is served from a query-embedding cache. Prints Markdown for docs/BENCHMARKS.md.
 */
final class SearchBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One side's figures at one concurrency. */
    private record Result(int clients, long requests, double seconds, long[] latenciesNanos) {
        double throughput() {
            return requests / seconds;
        }

        double percentileMs(double p) {
            if (latenciesNanos.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(p / 100.0 * latenciesNanos.length) - 1;
            return latenciesNanos[Math.max(0, Math.min(latenciesNanos.length - 1, i))] / 1e6;
        }
    }

    private interface Client {
        void search(String query) throws Exception;
    }

    static int run(Settings base, Path dataset, List<Integer> clients, int seconds) throws Exception {
        List<Dataset.Doc> corpus = Dataset.beirCorpus(dataset);
        List<String> queries = Dataset.beir(dataset, "train", null, null).queries().values().stream()
                .toList();
        try (Platform platform =
                RetrievalEval.indexedPlatform(base, dataset.getFileName().toString(), corpus)) {
            String url = platform.url("retriever") + "/v1/search";
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            EmbeddingModel model = new BgeSmallEnV15QuantizedEmbeddingModel();
            List<Result[]> rows = new ArrayList<>();
            List<String> cpu = new ArrayList<>();
            for (int c : clients) {
                Map<String, Double> cpuBefore = platform.cpuSeconds();
                long stepStart = System.nanoTime();
                Result hybrid = measure(c, seconds, queries, () -> query -> {
                    ObjectNode body = JSON.createObjectNode()
                            .put("query", query)
                            .put("topK", 10)
                            .put("mode", "hybrid");
                    HttpResponse<String> response = http.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(30))
                                    .header("content-type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("search answered " + response.statusCode());
                    }
                });
                cpu.add(Platform.cpuReport(
                        "ragline, " + c + " client(s)",
                        cpuBefore,
                        platform.cpuSeconds(),
                        (System.nanoTime() - stepStart) / 1e9));
                System.out.printf("hybrid over HTTP, %d client(s): %.1f req/s%n", c, hybrid.throughput());
                Result baseline = measure(c, seconds, queries, () -> {
                    Connection connection =
                            DriverManager.getConnection(platform.jdbcUrl(), base.dbUser(), base.dbPassword());
                    PreparedStatement ps = connection.prepareStatement(
                            "SELECT id FROM chunks WHERE tenant = 'default' ORDER BY embedding <=> ? LIMIT 10");
                    return query -> {
                        ps.setObject(
                                1, new PGvector(model.embed(query).content().vector()));
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                rs.getString(1);
                            }
                        }
                    };
                });
                System.out.printf("baseline (embed + JDBC), %d client(s): %.1f req/s%n", c, baseline.throughput());
                rows.add(new Result[] {hybrid, baseline});
            }
            System.out.println();
            System.out.printf(
                    "Search latency on %s (%d documents), hybrid top 10, %d s per step, %s, %d cores%n%n",
                    dataset.getFileName(),
                    corpus.size(),
                    seconds,
                    LocalDate.now(),
                    Runtime.getRuntime().availableProcessors());
            System.out.println("| clients | run | req/s | p50 ms | p95 ms | p99 ms |");
            System.out.println("|---|---|---|---|---|---|");
            for (Result[] row : rows) {
                for (int k = 0; k < 2; k++) {
                    Result r = row[k];
                    System.out.printf(
                            "| %d | %s | %.1f | %.1f | %.1f | %.1f |%n",
                            r.clients(),
                            k == 0 ? "ragline `POST /v1/search` (hybrid)" : "baseline: embed + one JDBC vector query",
                            r.throughput(),
                            r.percentileMs(50),
                            r.percentileMs(95),
                            r.percentileMs(99));
                }
            }
            System.out.println();
            for (Result[] row : rows) {
                System.out.printf(
                        "%d client(s): throughput ragline / baseline = %.2f; p99 ragline / baseline = %.2f%n",
                        row[0].clients(),
                        row[0].throughput() / row[1].throughput(),
                        row[0].percentileMs(99) / row[1].percentileMs(99));
            }
            System.out.println();
            cpu.forEach(System.out::println);
        }
        return 0;
    }

    /** {@code clients} threads issuing requests back to back for {@code seconds}, after a short warm-up. */
    private static Result measure(int clients, int seconds, List<String> queries, Callable<Client> factory)
            throws Exception {
        AtomicLong sequence = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Client> connected = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                connected.add(factory.call());
            }
            // warm-up: a few requests per client, not measured
            for (Client client : connected) {
                for (int i = 0; i < 5; i++) {
                    client.search(next(queries, sequence));
                }
            }
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            List<Future<long[]>> futures = new ArrayList<>();
            for (Client client : connected) {
                futures.add(pool.submit(() -> {
                    long[] lat = new long[1024];
                    int n = 0;
                    while (System.nanoTime() < end) {
                        String query = next(queries, sequence);
                        long t0 = System.nanoTime();
                        client.search(query);
                        if (n == lat.length) {
                            lat = Arrays.copyOf(lat, n * 2);
                        }
                        lat[n++] = System.nanoTime() - t0;
                    }
                    return Arrays.copyOf(lat, n);
                }));
            }
            List<long[]> all = new ArrayList<>();
            for (Future<long[]> f : futures) {
                all.add(f.get());
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            return new Result(clients, merged.length, elapsed, merged);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The next query, made distinct by its request number so no cache can answer it. */
    private static String next(List<String> queries, AtomicLong sequence) {
        long n = sequence.getAndIncrement();
        return queries.get((int) (n % queries.size())) + " (" + n + ")";
    }
}
