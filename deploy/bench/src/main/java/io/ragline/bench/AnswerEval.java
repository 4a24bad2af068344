package io.ragline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ragline.eval.AnswerMetrics;
import io.ragline.eval.Dataset;
import io.ragline.platform.Platform;
import io.ragline.platform.Settings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code ./ragline eval answers --dataset DIR}: answer quality of the chat API on a SQuAD-style folder. The passages
 * are indexed through the pipeline (the same index {@code eval retrieval} builds), every question of
 * {@code qa.dev.jsonl} (or {@code --qa FILE}) is asked through {@code POST /v1/chat} exactly as users ask it, and the
 * answers (citation markers removed) are scored with SQuAD exact match and token F1; also how often the first citation
 * is the question's own passage, and the answer modes.
 */
final class AnswerEval {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AnswerEval() {}

    static int run(Settings base, Path dataset, Path qaFile, int limit, int concurrency) throws Exception {
        if (!Files.exists(dataset.resolve("passages.jsonl"))) {
            throw new IllegalArgumentException(dataset + " is not a SQuAD-style folder: it holds no passages.jsonl");
        }
        Path qa = qaFile != null ? qaFile : dataset.resolve("qa.dev.jsonl");
        List<Dataset.Question> questions = Dataset.squadQuestions(qa);
        if (questions.size() > limit) {
            questions = questions.subList(0, limit);
        }
        List<Dataset.Doc> corpus = Dataset.squad(dataset).corpus();
        try (Platform platform =
                RetrievalEval.indexedPlatform(base, dataset.getFileName().toString(), corpus)) {
            CorpusSubmitter ids = new CorpusSubmitter("unused", corpus, System.out);
            return evaluate(platform.url("gateway"), questions, ids, concurrency, dataset, qa);
        }
    }

    private record Scored(double em, double f1, boolean contains, boolean citedOwnPassage, String mode, long millis) {}

    private static int evaluate(
            String gateway,
            List<Dataset.Question> questions,
            CorpusSubmitter ids,
            int concurrency,
            Path dataset,
            Path qa)
            throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        List<Future<Scored>> futures = new ArrayList<>();
        for (Dataset.Question q : questions) {
            futures.add(pool.submit(() -> ask(http, gateway, q, ids)));
        }
        List<Scored> scored = new ArrayList<>();
        for (Future<Scored> f : futures) {
            scored.add(f.get());
            if (scored.size() % 100 == 0) {
                System.out.printf("%d / %d questions%n", scored.size(), questions.size());
            }
        }
        pool.shutdown();
        double em = scored.stream().mapToDouble(Scored::em).average().orElse(0);
        double f1 = scored.stream().mapToDouble(Scored::f1).average().orElse(0);
        double cited = scored.stream().filter(Scored::citedOwnPassage).count() / (double) scored.size();
        Map<String, Long> modes = new TreeMap<>();
        scored.forEach(s -> modes.merge(s.mode(), 1L, Long::sum));
        System.out.printf(
                "%nanswers: %s; extractive sentences: %s%n",
                System.getenv().getOrDefault("GATEWAY_MODEL_BASE_URL", "no model server"),
                System.getenv().getOrDefault("GATEWAY_CHAT_EXTRACTIVE_SENTENCES", "3 (default)"));
        long[] ms = scored.stream().mapToLong(Scored::millis).sorted().toArray();
        System.out.println();
        System.out.printf(
                "Answers on %s (%s, %d questions), %s, %d cores%n%n",
                dataset.getFileName(),
                qa.getFileName(),
                scored.size(),
                LocalDate.now(),
                Runtime.getRuntime().availableProcessors());
        System.out.println("| metric | value |");
        System.out.println("|---|---|");
        System.out.printf("| SQuAD exact match | %.4f |%n", em);
        System.out.printf("| SQuAD token F1 | %.4f |%n", f1);
        System.out.printf(
                "| a reference answer is contained in the answer | %.4f |%n",
                scored.stream().filter(Scored::contains).count() / (double) scored.size());
        System.out.printf("| first citation is the question's passage | %.4f |%n", cited);
        System.out.printf("| answer modes | %s |%n", modes);
        System.out.printf(
                "| latency per answer p50 / p95 | %d / %d ms |%n", ms[ms.length / 2], ms[(int) (ms.length * 0.95)]);
        return 0;
    }

    private static Scored ask(HttpClient http, String gateway, Dataset.Question q, CorpusSubmitter ids)
            throws Exception {
        String body = JSON.createObjectNode().put("message", q.text()).toString();
        long t0 = System.nanoTime();
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(gateway + "/v1/chat"))
                        .timeout(Duration.ofSeconds(120))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        long millis = (System.nanoTime() - t0) / 1_000_000;
        if (response.statusCode() != 200) {
            throw new IllegalStateException("chat answered " + response.statusCode() + ": " + response.body());
        }
        JsonNode answer = JSON.readTree(response.body());
        String text = answer.path("answer").asText().replaceAll("\\s*\\[\\d+(?:\\s*,\\s*\\d+)*]", "");
        boolean own = false;
        JsonNode citations = answer.path("citations");
        if (citations.size() > 0) {
            String original = ids.originalId(citations.get(0).path("documentId").asText());
            own = q.relevantIds().contains(original);
        }
        String normalized = " " + AnswerMetrics.normalize(text) + " ";
        boolean contains = q.answers().stream()
                .anyMatch(a -> !AnswerMetrics.normalize(a).isEmpty()
                        && normalized.contains(" " + AnswerMetrics.normalize(a) + " "));
        return new Scored(
                AnswerMetrics.exactMatch(text, q.answers()),
                AnswerMetrics.f1(text, q.answers()),
                contains,
                own,
                answer.path("mode").asText(),
                millis);
    }
}
