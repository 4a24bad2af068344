package io.ragline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.document.splitter.DocumentSplitters;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.HuggingFaceTokenCountEstimator;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreIngestor;
import dev.langchain4j.store.embedding.IngestionResult;
import dev.langchain4j.store.embedding.pgvector.PgVectorEmbeddingStore;
import io.ragline.eval.Dataset;
import io.ragline.platform.Platform;
import io.ragline.platform.Settings;
import io.ragline.platform.testing.PrometheusText;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@code ./ragline bench-ingest [BEIR_DIR] [--limit N]}: ingests a BEIR corpus (SciFact by default) end to end on a
 * fresh platform (HTTP API, Kafka, ingest, pgvector) until every document is processed; re-submits it unchanged; then
 * embeds the very chunks ingest produced with LangChain4j's default in-process model object and {@code embedAll}
 * (the bare-embedding ceiling). Prints Markdown for docs/BENCHMARKS.md.
 */
final class IngestBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    static int run(Settings base, Path dataset, int limit) throws Exception {
        return new IngestBenchmark().measure(base, dataset, limit);
    }

    int measure(Settings base, Path dataset, int limit) throws Exception {
        List<Dataset.Doc> all = Dataset.beirCorpus(dataset);
        List<Dataset.Doc> docs = all.subList(0, Math.min(limit, all.size()));
        Path data = Files.createTempDirectory("ragline-bench-ingest-");
        Settings settings = base.withDataDir(data);
        System.out.printf("corpus: %d documents from %s%n", docs.size(), dataset);
        // only the services on the measured path: API (gateway) -> Kafka -> ingest -> pgvector
        try (Platform platform =
                new Platform(settings).only("gateway", "ingest").start(System.out::println)) {
            String gateway = platform.url("gateway");
            String ingest = platform.url("ingest");
            CorpusSubmitter submitter = new CorpusSubmitter(gateway, docs, System.out);
            Map<String, Double> cpuBefore = platform.cpuSeconds();
            double first = submitter.submitAll(docs);
            Map<String, Double> cpuAfter = platform.cpuSeconds();
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
            double embedSeconds = counter(ingest, "ragline_ingest_embed_seconds_sum");
            double storeSeconds = counter(ingest, "ragline_ingest_store_seconds_sum");
            double embeddedBefore = counter(ingest, "ragline_ingest_chunks_embedded_total");
            double again = submitter.submitAll(docs);
            double embeddedAfter = counter(ingest, "ragline_ingest_chunks_embedded_total");

            System.out.println(
                    "(b) LangChain4j EmbeddingStoreIngestor + PgVectorEmbeddingStore on the same database...");
            double[] b = ingestorBaseline(platform.jdbcUrl(), base, docs);
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
            System.out.printf(
                    "| (b) LangChain4j EmbeddingStoreIngestor + PgVectorEmbeddingStore (%d segments) | %.1f | %.1f | %.1f |%n",
                    (long) b[1], b[0], docs.size() / b[0], b[1] / b[0]);
            System.out.printf("| re-ingest of the unchanged corpus | %.1f | %.1f | – |%n", again, docs.size() / again);
            System.out.println();
            System.out.printf(
                    "ragline / (a) = %.2f; ragline / (b) = %.2f; re-ingest / first = %.3f; embeddings computed on"
                            + " re-ingest: %.0f%n",
                    bare / first, b[0] / first, again / first, embeddedAfter - embeddedBefore);
            System.out.printf(
                    "inside ingest, first run: %.1f s embedding, %.1f s writing (overlapped with embedding)%n",
                    embedSeconds, storeSeconds);
            System.out.println(Platform.cpuReport("the first run", cpuBefore, cpuAfter, first));
        } finally {
            try (var paths = Files.walk(data)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }

    /**
     * What a Java user would write instead: LangChain4j's {@code EmbeddingStoreIngestor} with the default in-process
     * bge-small-en-v1.5-q object, a recursive splitter of the same size (384 tokens, 48 overlap) and
     * {@code PgVectorEmbeddingStore} on the same PostgreSQL (its own table, dropped afterwards). Returns seconds and
     * segments written.
     */
    private static double[] ingestorBaseline(String jdbcUrl, Settings base, List<Dataset.Doc> docs) throws Exception {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(jdbcUrl);
        dataSource.setUser(base.dbUser());
        dataSource.setPassword(base.dbPassword());
        EmbeddingStore<TextSegment> store = PgVectorEmbeddingStore.datasourceBuilder()
                .datasource(dataSource)
                .table("bench_lc4j_ingestor")
                .dimension(384)
                .createTable(true)
                .dropTableFirst(true)
                .build();
        EmbeddingModel model = new BgeSmallEnV15QuantizedEmbeddingModel();
        model.embed("warm-up");
        EmbeddingStoreIngestor ingestor = EmbeddingStoreIngestor.builder()
                .documentSplitter(DocumentSplitters.recursive(384, 48, new HuggingFaceTokenCountEstimator()))
                .embeddingModel(model)
                .embeddingStore(store)
                .build();
        List<Document> documents = docs.stream()
                .map(d -> Document.from(
                        (d.title() + "\n\n" + d.text()).strip(),
                        Metadata.from("id", d.id()).put("title", d.title())))
                .toList();
        long t0 = System.nanoTime();
        IngestionResult result = ingestor.ingest(documents);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long segments;
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM bench_lc4j_ingestor")) {
                rs.next();
                segments = rs.getLong(1);
            }
            st.execute("DROP TABLE bench_lc4j_ingestor");
        }
        if (result == null) {
            throw new IllegalStateException("the ingestor returned no result");
        }
        return new double[] {seconds, segments};
    }

    private double counter(String service, String name) throws Exception {
        return PrometheusText.metric(http, service, name);
    }
}
