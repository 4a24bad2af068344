package io.ragline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ragline.eval.Dataset;
import io.ragline.eval.RunEvaluation;
import io.ragline.eval.RunEvaluation.Measure;
import io.ragline.eval.RunEvaluation.Metric;
import io.ragline.platform.Platform;
import io.ragline.platform.Settings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code ./ragline eval retrieval --dataset DIR [--split train] [--queries FILE] [--qrels FILE] [--modes LIST]
 * [--fusion rrf|convex] [--rrf-k N] [--vector-weight W] [--keyword-weight W] [--retriever URL]}.
 *
 * <p>Indexes the dataset's corpus through the real pipeline (gateway API, Kafka, ingest, pgvector) on a platform of its
 * own under {@code var/eval/NAME-FINGERPRINT} (the fingerprint covers the corpus and the index settings, so a second
 * run reuses the index), asks the retriever's {@code POST /v1/search} every judged query in each mode, and prints
 * trec_eval metrics per mode as Markdown. A BEIR folder gets nDCG@10, Recall@10, Recall@100 and MRR@10; a SQuAD-style
 * folder ({@code passages.jsonl} + {@code qa.*.jsonl}) question → passage Recall@1, Recall@5 and MRR@10. With
 * {@code --retriever URL} it queries an already running retriever that holds the corpus instead.
 */
final class RetrievalEval {

    /** Bumped whenever ingest's chunking or embedding changes what an index built from a corpus contains. */
    private static final String INDEX_SETTINGS = "bge-small-en-v1.5-q;chunks=384/48;lexical=v3;context-headers";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Options(
            Path dataset,
            String split,
            Path queries,
            Path qrels,
            List<String> modes,
            ObjectNode fusion,
            String retriever,
            int concurrency,
            int topK) {}

    static int run(Settings base, Options options) throws Exception {
        return new RetrievalEval().evaluate(base, options);
    }

    int evaluate(Settings base, Options o) throws Exception {
        boolean squad = Files.exists(o.dataset().resolve("passages.jsonl"));
        String split =
                o.split() != null ? o.split() : Files.exists(o.dataset().resolve("qrels/test.tsv")) ? "test" : "train";
        Dataset data = squad ? Dataset.squad(o.dataset()) : Dataset.beir(o.dataset(), split, o.queries(), o.qrels());
        List<Measure> measures = squad
                ? List.of(new Measure(Metric.RECALL, 1), new Measure(Metric.RECALL, 5), new Measure(Metric.MRR, 10))
                : List.of(
                        new Measure(Metric.NDCG, 10),
                        new Measure(Metric.RECALL, 10),
                        new Measure(Metric.RECALL, 100),
                        new Measure(Metric.MRR, 10));
        // a cut-off beyond the results asked for cannot be measured (Recall@100 of 10 results is not Recall@100)
        measures = measures.stream().filter(m -> m.k() <= o.topK()).toList();
        Map<String, String> queries = data.judgedQueries();
        System.out.printf(
                "%s: %d documents, %d judged queries%n",
                data.name(), data.corpus().size(), queries.size());
        CorpusSubmitter submitter = null;
        if (o.retriever() != null) {
            submitter = new CorpusSubmitter("unused", data.corpus(), System.out);
            return report(data, o, measures, queries, submitter, o.retriever());
        }
        try (Platform platform = indexedPlatform(base, o.dataset().getFileName().toString(), data.corpus())) {
            submitter = new CorpusSubmitter(platform.url("gateway"), data.corpus(), System.out);
            return report(data, o, measures, queries, submitter, platform.url("retriever"));
        }
    }

    /**
     * A running platform whose database holds {@code corpus}, indexed through the pipeline, under
     * {@code var/eval/NAME-FINGERPRINT}: built on first use, reused afterwards.
     */
    static Platform indexedPlatform(Settings base, String name, List<Dataset.Doc> corpus) throws Exception {
        Path dir = base.home().resolve("var/eval").resolve(name + "-" + fingerprint(corpus));
        Files.createDirectories(dir);
        Platform platform = new Platform(base.withDataDir(dir)).start(System.out::println);
        try {
            long indexed = indexedDocuments(platform, base);
            if (indexed == corpus.size()) {
                System.out.printf("reusing the index in %s (%d documents)%n", dir, indexed);
            } else {
                System.out.printf("indexing %d documents through the pipeline into %s%n", corpus.size(), dir);
                double seconds = new CorpusSubmitter(platform.url("gateway"), corpus, System.out).submitAll(corpus);
                System.out.printf("indexed in %.1f s%n", seconds);
                platform.analyze();
            }
            return platform;
        } catch (Exception | Error e) {
            platform.close();
            throw e;
        }
    }

    private int report(
            Dataset data,
            Options o,
            List<Measure> measures,
            Map<String, String> queries,
            CorpusSubmitter submitter,
            String retriever)
            throws Exception {
        Map<String, Map<String, Double>> results = new LinkedHashMap<>();
        Map<String, Double> seconds = new LinkedHashMap<>();
        for (String mode : o.modes()) {
            long t0 = System.nanoTime();
            Map<String, List<String>> run = run(retriever, mode, o, queries, submitter);
            seconds.put(mode, (System.nanoTime() - t0) / 1e9);
            results.put(mode, RunEvaluation.evaluate(run, data.qrels(), measures));
            System.out.printf("%s: %s%n", mode, results.get(mode));
        }
        System.out.println();
        System.out.printf(
                "Retrieval on %s (%d queries, %d documents), %s, %d cores%s%n%n",
                data.name(),
                queries.size(),
                data.corpus().size(),
                LocalDate.now(),
                Runtime.getRuntime().availableProcessors(),
                o.fusion().isEmpty() ? "" : ", fusion " + o.fusion());
        StringBuilder header = new StringBuilder("| mode |");
        StringBuilder rule = new StringBuilder("|---|");
        for (Measure m : measures) {
            header.append(' ').append(m.name()).append(" |");
            rule.append("---|");
        }
        header.append(" queries/s |");
        rule.append("---|");
        System.out.println(header);
        System.out.println(rule);
        for (String mode : o.modes()) {
            StringBuilder row = new StringBuilder("| " + mode + " |");
            for (Measure m : measures) {
                row.append(String.format(" %.4f |", results.get(mode).get(m.name())));
            }
            row.append(String.format(" %.1f |", queries.size() / seconds.get(mode)));
            System.out.println(row);
        }
        return 0;
    }

    /** Every query in one mode (a few in flight); the ranked corpus ids per query, one per document. */
    private Map<String, List<String>> run(
            String retriever, String mode, Options o, Map<String, String> queries, CorpusSubmitter submitter)
            throws Exception {
        Map<String, List<String>> run = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(o.concurrency());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Map.Entry<String, String> q : queries.entrySet()) {
                futures.add(pool.submit(() -> {
                    run.put(q.getKey(), search(retriever, mode, o, q.getValue(), submitter));
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return run;
    }

    private List<String> search(String retriever, String mode, Options o, String query, CorpusSubmitter submitter)
            throws Exception {
        ObjectNode body = JSON.createObjectNode()
                .put("query", query)
                .put("topK", o.topK())
                .put("mode", mode);
        if (!o.fusion().isEmpty()) {
            body.set("fusion", o.fusion());
        }
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(retriever + "/v1/search"))
                        .timeout(Duration.ofSeconds(60))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("search failed (" + response.statusCode() + "): " + response.body());
        }
        Set<String> docs = new LinkedHashSet<>();
        for (JsonNode hit : JSON.readTree(response.body()).path("hits")) {
            String id = submitter.originalId(hit.path("documentId").asText());
            if (id != null) {
                docs.add(id);
            }
        }
        return List.copyOf(docs);
    }

    private static long indexedDocuments(Platform platform, Settings base) throws Exception {
        try (Connection c = DriverManager.getConnection(platform.jdbcUrl(), base.dbUser(), base.dbPassword());
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM documents WHERE status = 'indexed'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String fingerprint(List<Dataset.Doc> corpus) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(INDEX_SETTINGS.getBytes(StandardCharsets.UTF_8));
        for (Dataset.Doc d : corpus) {
            for (String s : new String[] {d.id(), d.title(), d.text()}) {
                sha.update(s.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
        }
        return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    }
}
