package io.ragline.judge.evals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.CosineSimilarity;
import io.quarkus.scheduler.Scheduled;
import io.ragline.contracts.evaluation.EvaluationCompleted;
import io.ragline.eval.AnswerMetrics;
import io.ragline.eval.RetrievalMetrics;
import io.ragline.judge.config.JudgeConfig;
import io.ragline.judge.index.IndexText;
import io.ragline.judge.metrics.EmbeddingSupport;
import io.ragline.judge.metrics.LlmMetrics;
import io.ragline.judge.metrics.Rouge;
import io.ragline.judge.model.JudgeModel;
import io.ragline.retriever.client.RetrieverUnavailableException;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.rest.client.RestClientBuilder;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.client.SseEvent;

/**
 * Quality runs: every golden question is asked through the gateway's public {@code POST /v1/chat} (streamed, so the
 * ranked sources of the {@code retrieval} event are seen too), exactly as a user asks; answers are scored against the
 * reference (SQuAD exact match and F1, ROUGE-L, embedding similarity), against the passages it rests on
 * ({@code embedding_support}; with a judge model the RAGAS faithfulness, answer relevancy, context precision and
 * context recall) and sources against the relevant documents (Recall@5, MRR@10, nDCG@10); each metric's mean gets a bootstrap 95 % interval; the run is compared with the previous run and the pinned
 * baseline, and a drop beyond the threshold marks it regressed; every finished run is published on {@code evals.completed}
 * (the alert) and a regressed one is also POSTed to the alert webhook.
 */
@ApplicationScoped
public class EvalRunner {

    private static final Logger LOG = Logger.getLogger(EvalRunner.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BOOTSTRAP = 1000;

    @Inject
    JudgeConfig config;

    @Inject
    JudgeModel judge;

    @Inject
    EmbeddingModel embeddings;

    @Inject
    EvalStore store;

    @Inject
    IndexText indexText;

    @Inject
    @Channel("evals-completed")
    MutinyEmitter<EvaluationCompleted> completed;

    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "eval-runs");
        t.setDaemon(true);
        return t;
    });
    private GatewayChatApi gateway;
    private AlertApi alerts;

    @PostConstruct
    void clients() {
        gateway = RestClientBuilder.newBuilder()
                .baseUri(URI.create(config.evals().gatewayUrl().replaceAll("/+$", "")))
                .connectTimeout(10, TimeUnit.SECONDS)
                .readTimeout(config.evals().answerTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .build(GatewayChatApi.class);
        alerts = config.evals()
                .alertWebhook()
                .map(url -> RestClientBuilder.newBuilder()
                        .baseUri(URI.create(url))
                        .connectTimeout(10, TimeUnit.SECONDS)
                        .readTimeout(10, TimeUnit.SECONDS)
                        .build(AlertApi.class))
                .orElse(null);
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
    }

    /** Starts a run in the background; returns its id (or the id of the dataset's run already going). */
    public String start(String tenant, String dataset, String trigger, int limit) {
        var running = store.running(tenant, dataset);
        if (running.isPresent()) {
            return running.get();
        }
        List<EvalStore.Item> items = store.items(tenant, dataset);
        if (items.isEmpty()) {
            throw new IllegalArgumentException("dataset '" + dataset + "' has no questions");
        }
        List<EvalStore.Item> chosen = items.size() > limit ? items.subList(0, limit) : items;
        String id = "run-" + UUID.randomUUID();
        store.createRun(id, tenant, dataset, trigger, chosen.size());
        worker.submit(() -> run(id, tenant, dataset, chosen));
        return id;
    }

    @Scheduled(cron = "{judge.evals.schedule}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void nightly() {
        if (!config.evals().scheduled()) {
            return;
        }
        for (String[] d : store.datasets()) {
            start(d[0], d[1], "schedule", Integer.MAX_VALUE);
        }
    }

    private void run(String id, String tenant, String dataset, List<EvalStore.Item> items) {
        try {
            Map<String, List<Double>> values = new TreeMap<>();
            ObjectNode metadata = JSON.createObjectNode();
            ObjectNode models = metadata.putObject("models");
            ObjectNode modes = metadata.putObject("modes");
            ObjectNode prompts = metadata.putObject("promptVersions");
            ObjectNode judges = metadata.putObject("judgeModels");
            if (judge.available()) {
                LlmMetrics.PROMPT_VERSIONS.forEach(metadata.putArray("judgePrompts")::add);
            }
            metadata.set("index", indexOrReason(tenant));
            metadata.put("gateway", config.evals().gatewayUrl());
            for (EvalStore.Item item : items) {
                Asked asked = ask(tenant, item);
                EvalStore.Result r = asked.result();
                count(models, asked.model());
                count(modes, r.mode());
                count(prompts, asked.promptVersion());
                count(judges, asked.judgeModel());
                store.saveResult(id, r);
                r.scores()
                        .fields()
                        .forEachRemaining(e -> values.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                                .add(e.getValue().asDouble()));
            }
            store.saveMetadata(id, metadata);
            ObjectNode summary = summary(values);
            ObjectNode comparison = JSON.createObjectNode();
            List<String> drops = new ArrayList<>();
            List<EvalStore.Run> history = store.history(tenant, dataset);
            EvalStore.Run previous = null;
            for (EvalStore.Run r : history) {
                if (!r.id().equals(id) && r.status().equals("completed")) {
                    previous = r;
                }
            }
            if (previous != null) {
                comparison.set("previous", compare("previous run", previous, summary, drops));
            }
            var baseline = store.baseline(tenant, dataset).flatMap(store::run);
            if (baseline.isPresent() && !baseline.get().id().equals(id)) {
                comparison.set("baseline", compare("baseline", baseline.get(), summary, drops));
            }
            boolean regressed = !drops.isEmpty();
            store.finishRun(
                    id, "completed", summary, comparison, regressed, regressed ? String.join("; ", drops) : null);
            java.util.Map<String, Double> means = new java.util.TreeMap<>();
            summary.fields()
                    .forEachRemaining(
                            e -> means.put(e.getKey(), e.getValue().path("mean").asDouble()));
            announce(EvaluationCompleted.of(tenant, id, dataset, "completed", means, regressed, drops));
            if (regressed) {
                alert(id, tenant, dataset, drops);
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "evaluation run %s failed", id);
            store.finishRun(id, "failed", null, null, false, e.getMessage());
            announce(EvaluationCompleted.of(
                    tenant, id, dataset, "failed", java.util.Map.of(), false, List.of(String.valueOf(e.getMessage()))));
        }
    }

    /** Publishes the run's outcome on {@code evals.completed}; a broker outage is logged, the run stays stored. */
    private void announce(EvaluationCompleted event) {
        try {
            completed
                    .sendMessage(Message.of(event)
                            .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                                    .withKey(event.partitionKey())
                                    .build()))
                    .await()
                    .atMost(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            LOG.warnf("evaluation %s not announced: %s", event.runId(), e.getMessage());
        }
    }

    /** A scored answer and what produced it. */
    record Asked(EvalStore.Result result, String model, String promptVersion, String judgeModel) {}

    private static void count(ObjectNode counts, String key) {
        if (key != null && !key.isBlank()) {
            counts.put(key, counts.path(key).asInt(0) + 1);
        }
    }

    /** One question through the gateway, scored. */
    Asked ask(String tenant, EvalStore.Item item) {
        ObjectNode body =
                JSON.createObjectNode().put("message", item.question()).put("stream", true);
        String authorization = config.evals().apiKey().map(k -> "Bearer " + k).orElse(null);
        ArrayNode sources = JSON.createArrayNode();
        JsonNode done = null;
        String error = null;
        try {
            List<SseEvent<String>> events = gateway.chat(authorization, body.toString())
                    .collect()
                    .asList()
                    .await()
                    .atMost(config.evals().answerTimeout());
            for (SseEvent<String> event : events) {
                if (event.name() == null || event.data() == null) {
                    continue;
                }
                JsonNode data = JSON.readTree(event.data());
                switch (event.name()) {
                    case "retrieval" -> data.path("sources").forEach(sources::add);
                    case "done" -> done = data;
                    case "error" -> error = data.path("detail").asText();
                    default -> {}
                }
            }
        } catch (WebApplicationException e) {
            error = "the gateway answered " + e.getResponse().getStatus();
        } catch (Exception e) {
            error = "the gateway could not be asked: " + e.getMessage();
        }
        ObjectNode scores = JSON.createObjectNode();
        String answer = done == null ? null : done.path("answer").asText();
        String plain = answer == null ? "" : answer.replaceAll("\\s*\\[\\d+(?:\\s*,\\s*\\d+)*]", "");
        if (item.referenceAnswer() != null && !item.referenceAnswer().isBlank()) {
            scores.put("exact_match", AnswerMetrics.exactMatch(plain, item.referenceAnswer()));
            scores.put("token_f1", AnswerMetrics.f1(plain, item.referenceAnswer()));
            scores.put("rouge_l", Rouge.l(item.referenceAnswer(), plain).fmeasure());
        }
        if (!item.relevantDocIds().isEmpty()) {
            Set<String> ranked = new LinkedHashSet<>();
            sources.forEach(s -> ranked.add(s.path("documentId").asText()));
            Map<String, Integer> relevant = new LinkedHashMap<>();
            item.relevantDocIds().forEach(d -> relevant.put(d, 1));
            List<String> ranking = List.copyOf(ranked);
            scores.put("recall_at_5", RetrievalMetrics.recall(ranking, relevant, 5));
            scores.put("mrr_at_10", RetrievalMetrics.reciprocalRank(ranking, relevant, 10));
            scores.put("ndcg_at_10", RetrievalMetrics.ndcg(ranking, relevant, 10));
        }
        String judgeModel = answer == null ? null : judge(tenant, item, plain, sources, scores);
        EvalStore.Result result = new EvalStore.Result(
                item.ordinal(),
                item.question(),
                answer != null ? answer : "(no answer: " + error + ")",
                done == null ? "error" : done.path("mode").asText(),
                scores,
                sources);
        return new Asked(
                result,
                done == null ? null : done.path("model").asText(null),
                done == null ? null : done.path("promptVersion").asText(null),
                judgeModel);
    }

    /** What the tenant's index held, or why that is not known (the run goes on: the metadata says so). */
    private JsonNode indexOrReason(String tenant) {
        try {
            return indexText.index(tenant);
        } catch (RetrieverUnavailableException e) {
            return JSON.createObjectNode().put("unavailable", e.getMessage());
        }
    }

    /** The cited passages' full text; when the retriever cannot be asked, the answer's own snippets stand in. */
    private Map<String, String> passages(String tenant, List<String> ids) {
        try {
            return indexText.chunkTexts(tenant, ids);
        } catch (RetrieverUnavailableException e) {
            LOG.warnf("passages of %d source(s) not read, their snippets are scored: %s", ids.size(), e.getMessage());
            return Map.of();
        }
    }

    /**
     * Scores an answer against its sources: {@code semantic_similarity} to the reference and {@code embedding_support}
     * with the in-process embedding model, and with a judge model the RAGAS metrics (see {@link LlmMetrics}) over the
     * full text of the passages the gateway retrieved. Returns the judge model that answered, if any.
     */
    private String judge(String tenant, EvalStore.Item item, String answer, ArrayNode sources, ObjectNode scores) {
        List<String> ids = new ArrayList<>();
        sources.forEach(s -> ids.add(s.path("chunkId").asText()));
        Map<String, String> texts = passages(tenant, ids);
        List<String> contexts = new ArrayList<>();
        sources.forEach(s -> contexts.add(
                texts.getOrDefault(s.path("chunkId").asText(), s.path("snippet").asText())));
        String reference = item.referenceAnswer();
        if (reference != null && !reference.isBlank() && !answer.isBlank()) {
            scores.put(
                    "semantic_similarity",
                    CosineSimilarity.between(
                            embeddings.embed(answer).content(),
                            embeddings.embed(reference).content()));
        }
        double support = EmbeddingSupport.score(embeddings, answer, contexts);
        if (!Double.isNaN(support)) {
            scores.put(EmbeddingSupport.METRIC, support);
        }
        if (!judge.available()) {
            return null;
        }
        LlmMetrics.Scored llm = LlmMetrics.score(judge, embeddings, item.question(), answer, contexts, reference);
        llm.scores().forEach(s -> scores.put(s.metric(), s.value()));
        llm.failures().forEach(f -> LOG.warnf("question %d not judged on %s", item.ordinal(), f));
        return llm.model();
    }

    /** Mean and bootstrap 95 % interval per metric (fixed seed: the same results give the same interval). */
    static ObjectNode summary(Map<String, List<Double>> values) {
        ObjectNode out = JSON.createObjectNode();
        for (var e : values.entrySet()) {
            List<Double> v = e.getValue();
            double mean = v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double[] means = new double[BOOTSTRAP];
            Random random = new Random(42);
            for (int b = 0; b < BOOTSTRAP; b++) {
                double sum = 0;
                for (int i = 0; i < v.size(); i++) {
                    sum += v.get(random.nextInt(v.size()));
                }
                means[b] = sum / v.size();
            }
            java.util.Arrays.sort(means);
            out.putObject(e.getKey())
                    .put("mean", mean)
                    .put("low", means[(int) (BOOTSTRAP * 0.025)])
                    .put("high", means[(int) (BOOTSTRAP * 0.975) - 1])
                    .put("n", v.size());
        }
        return out;
    }

    private ObjectNode compare(String label, EvalStore.Run other, ObjectNode summary, List<String> drops) {
        ObjectNode out = JSON.createObjectNode().put("runId", other.id());
        double threshold = config.evals().regressionThreshold();
        summary.fields().forEachRemaining(e -> {
            JsonNode before = other.summary() == null
                    ? null
                    : other.summary().path(e.getKey()).path("mean");
            if (before == null || !before.isNumber()) {
                return;
            }
            double delta = e.getValue().path("mean").asDouble() - before.asDouble();
            out.put(e.getKey(), delta);
            if (delta < -threshold) {
                drops.add(String.format("%s fell by %.4f against the %s (%s)", e.getKey(), -delta, label, other.id()));
            }
        });
        return out;
    }

    private void alert(String id, String tenant, String dataset, List<String> drops) {
        LOG.warnf("evaluation run %s of %s/%s regressed: %s", id, tenant, dataset, drops);
        config.evals().alertWebhook().ifPresent(url -> {
            ObjectNode body = JSON.createObjectNode()
                    .put("runId", id)
                    .put("tenant", tenant)
                    .put("dataset", dataset)
                    .put("regressed", true);
            ArrayNode reasons = body.putArray("reasons");
            drops.forEach(reasons::add);
            try {
                alerts.alert(body.toString());
            } catch (Exception e) {
                LOG.warnf("regression alert for %s not delivered to %s: %s", id, url, e.getMessage());
            }
        });
    }
}
