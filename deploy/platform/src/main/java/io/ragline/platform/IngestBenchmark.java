package io.ragline.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;

/**
 * {@code ./ragline bench-ingest [BEIR_DIR] [--limit N]}: ingests a BEIR corpus (SciFact by default) end to end on a
 * fresh platform (HTTP API, Kafka, ingest, pgvector) until every document is processed; re-submits it unchanged; then
 * embeds the very chunks ingest produced with LangChain4j's default in-process model object and {@code embedAll}
 * (the bare-embedding ceiling). Prints Markdown for docs/BENCHMARKS.md.
 */
final class IngestBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    private record Doc(String id, String title, String text) {}

    static int run(Settings base, String[] args) throws Exception {
        Path dataset = base.home().resolve("../shared/data/scifact").normalize();
        int limit = Integer.MAX_VALUE;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--limit")) {
                limit = Integer.parseInt(args[++i]);
            } else {
                dataset = Path.of(args[i]);
            }
        }
        return new IngestBenchmark().measure(base, dataset, limit);
    }

    int measure(Settings base, Path dataset, int limit) throws Exception {
        List<Doc> docs = corpus(dataset, limit);
        Path data = Files.createTempDirectory("ragline-bench-ingest-");
        Settings settings = base.withDataDir(data);
        System.out.printf("corpus: %d documents from %s%n", docs.size(), dataset);
        try (Platform platform = new Platform(settings).start(System.out::println)) {
            String gateway = platform.url("gateway");
            String ingest = platform.url("ingest");
            double first = ingestAll(gateway, docs);
            long chunks;
            List<String> texts = new ArrayList<>();
            try (Connection c = DriverManager.getConnection(platform.jdbcUrl(), base.dbUser(), base.dbPassword());
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT content FROM chunks")) {
                while (rs.next()) {
                    texts.add(rs.getString(1));
                }
            }
            chunks = texts.size();
            double embeddedBefore = counter(ingest, "ragline_ingest_chunks_embedded_total");
            double again = ingestAll(gateway, docs);
            double embeddedAfter = counter(ingest, "ragline_ingest_chunks_embedded_total");
            platform.stop();

            System.out.println(
                    "bare embedding of the same chunks (default BgeSmallEnV15QuantizedEmbeddingModel, embedAll)...");
            EmbeddingModel model = new BgeSmallEnV15QuantizedEmbeddingModel();
            model.embed("warm-up");
            long t0 = System.nanoTime();
            List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
            model.embedAll(segments);
            double bare = (System.nanoTime() - t0) / 1e9;

            System.out.println();
            System.out.printf(
                    "Ingest of %s (%d documents, %d chunks), %s, %d cores%n%n",
                    dataset.getFileName(),
                    docs.size(),
                    chunks,
                    LocalDate.now(),
                    Runtime.getRuntime().availableProcessors());
            System.out.println("| run | seconds | documents/s | chunks/s |");
            System.out.println("|---|---|---|---|");
            System.out.printf(
                    "| ragline end to end (API → Kafka → ingest → pgvector) | %.1f | %.1f | %.1f |%n",
                    first, docs.size() / first, chunks / first);
            System.out.printf(
                    "| (a) bare embedAll of the same chunks, default model object | %.1f | %.1f | %.1f |%n",
                    bare, docs.size() / bare, chunks / bare);
            System.out.printf("| re-ingest of the unchanged corpus | %.1f | %.1f | – |%n", again, docs.size() / again);
            System.out.println();
            System.out.printf(
                    "ragline / (a) = %.2f; re-ingest / first = %.3f; embeddings computed on re-ingest: %.0f%n",
                    bare / first, again / first, embeddedAfter - embeddedBefore);
        } finally {
            try (var paths = Files.walk(data)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }

    /** Submits every document (8 requests in flight) and waits until ingest processed each; returns seconds. */
    private double ingestAll(String gateway, List<Doc> docs) throws Exception {
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        Map<String, String> pending = new LinkedHashMap<>();
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (Doc doc : docs) {
                futures.add(pool.submit(() -> submit(gateway, doc)));
            }
            for (int i = 0; i < docs.size(); i++) {
                pending.put(futures.get(i).get(), docs.get(i).id());
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("all %d accepted by the gateway after %.1f s%n", docs.size(), (System.nanoTime() - t0) / 1e9);
        long lastReport = System.nanoTime();
        while (!pending.isEmpty()) {
            ObjectNode request = JSON.createObjectNode();
            ArrayNode list = request.putArray("submissions");
            pending.entrySet().stream()
                    .limit(1000)
                    .forEach(e ->
                            list.addObject().put("documentId", e.getValue()).put("eventId", e.getKey()));
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(gateway + "/v1/documents/status"))
                            .header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            for (JsonNode status : JSON.readTree(response.body())) {
                if (status.path("processed").asBoolean()) {
                    pending.remove(status.path("eventId").asText());
                }
            }
            if (System.nanoTime() - lastReport > 10_000_000_000L) {
                lastReport = System.nanoTime();
                System.out.printf("%d/%d processed%n", docs.size() - pending.size(), docs.size());
            }
            if (!pending.isEmpty()) {
                Thread.sleep(250);
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private String submit(String gateway, Doc doc) throws Exception {
        ObjectNode body = JSON.createObjectNode()
                .put("id", doc.id())
                .put("title", doc.title())
                .put("text", doc.text());
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(gateway + "/v1/documents"))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IllegalStateException("document " + doc.id() + " refused: " + response.body());
        }
        return JSON.readTree(response.body()).path("eventId").asText();
    }

    private double counter(String service, String name) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(service + "/q/metrics"))
                        .header("accept", "text/plain")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body()
                .lines()
                .filter(l -> l.startsWith(name))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** A BEIR corpus: title and text joined as the document text, as the published baselines embed them. */
    static List<Doc> corpus(Path dataset, int limit) throws IOException {
        Path file = Files.exists(dataset.resolve("corpus.jsonl.gz"))
                ? dataset.resolve("corpus.jsonl.gz")
                : dataset.resolve("corpus.jsonl");
        List<Doc> docs = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                file.toString().endsWith(".gz")
                        ? new GZIPInputStream(Files.newInputStream(file))
                        : Files.newInputStream(file),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null && docs.size() < limit) {
                JsonNode node = JSON.readTree(line);
                String title = node.path("title").asText("");
                String text = node.path("text").asText("");
                docs.add(new Doc("beir-" + node.path("_id").asText(), title, (title + "\n\n" + text).strip()));
            }
        }
        return docs;
    }
}
