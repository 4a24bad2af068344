package io.ragline.judge.online;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.model.embedding.EmbeddingModel;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.ragline.contracts.EventJson;
import io.ragline.contracts.answer.AnswerProduced;
import io.ragline.contracts.judgement.JudgementProduced;
import io.ragline.judge.config.JudgeConfig;
import io.ragline.judge.metrics.EmbeddingSupport;
import io.ragline.judge.metrics.LlmMetrics;
import io.ragline.model.ModelServer;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Online scoring of answers: consumes {@code answers.produced} in the group {@code judge-online}, keeps a sample
 * (decided by the event id, so every instance and every redelivery decides alike), scores it, stores the judgement
 * once per answer, publishes judgement-produced and records each score in a Prometheus summary
 * ({@code ragline_judge_score{metric=...}}).
 *
 * <p>Scores without a model server: {@code embedding_support} (see {@link EmbeddingSupport}) and
 * {@code citation_validity} (the share of cited chunks that are among the retrieved passages). With a model server
 * ({@code judge.model.base-url}), also the RAGAS metrics that need no reference answer (see {@link LlmMetrics}):
 * {@code faithfulness}, {@code answer_relevancy} and {@code context_utilization}, each with method {@code llm} and its
 * prompt version; a metric the model fails on is left out, never replaced under its name.
 */
@ApplicationScoped
@Startup
public class AnswerJudge {

    public static final String IN = "answers-produced";
    public static final String OUT = "judgements-produced";
    private static final Logger LOG = Logger.getLogger(AnswerJudge.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    JudgeConfig config;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry registry;

    @Inject
    @Channel(OUT)
    MutinyEmitter<JudgementProduced> judgements;

    @Inject
    EmbeddingModel embeddings;

    @Inject
    ModelServer models;

    /** Whether an event is in the sample: its id hashed to [0, 1) below the rate. */
    static boolean sampled(String eventId, double rate) {
        if (rate >= 1) {
            return true;
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(eventId.getBytes(StandardCharsets.UTF_8));
            long v = ((h[0] & 0xffL) << 24) | ((h[1] & 0xffL) << 16) | ((h[2] & 0xffL) << 8) | (h[3] & 0xffL);
            return v / (double) (1L << 32) < rate;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Incoming(IN)
    @Blocking
    public void onAnswer(String json) {
        AnswerProduced answer = EventJson.fromJson(json, AnswerProduced.class);
        if (answer.mode() == AnswerProduced.AnswerMode.NO_EVIDENCE
                || !sampled(answer.eventId(), config.online().sampleRate())) {
            return;
        }
        String[] judgeModel = {"none"};
        List<JudgementProduced.Score> scores = score(answer, judgeModel);
        if (scores.isEmpty()) {
            return;
        }
        JudgementProduced judgement =
                JudgementProduced.of(answer.tenant(), "answer", answer.eventId(), scores, judgeModel[0]);
        if (!store(judgement)) {
            return; // judged before (a redelivery, another instance)
        }
        for (JudgementProduced.Score s : scores) {
            DistributionSummary.builder("ragline.judge.score")
                    .description("Online scores of sampled answers, per metric")
                    .tag("metric", s.metric())
                    .tag("method", s.method())
                    .register(registry)
                    .record(s.value());
        }
        judgements
                .sendMessage(Message.of(judgement)
                        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                                .withKey(judgement.partitionKey())
                                .build()))
                .await()
                .atMost(Duration.ofSeconds(10));
    }

    List<JudgementProduced.Score> score(AnswerProduced answer, String[] judgeModel) {
        List<JudgementProduced.Score> scores = new ArrayList<>();
        List<String> contexts = answer.contexts().stream()
                .map(AnswerProduced.RetrievedContext::text)
                .toList();
        double support = EmbeddingSupport.score(embeddings, answer.answer(), contexts);
        if (!Double.isNaN(support)) {
            scores.add(new JudgementProduced.Score(EmbeddingSupport.METRIC, support, "embedding", null));
        }
        if (models.available()) {
            LlmMetrics.Scored llm =
                    LlmMetrics.score(models, embeddings, answer.question(), answer.answer(), contexts, null);
            scores.addAll(llm.scores());
            if (llm.model() != null) {
                judgeModel[0] = llm.model();
            }
            llm.failures().forEach(f -> LOG.warnf("answer %s not judged on %s", answer.eventId(), f));
        }
        if (!answer.citedChunkIds().isEmpty()) {
            Set<String> retrieved = new HashSet<>();
            answer.contexts().forEach(c -> retrieved.add(c.chunkId()));
            long valid =
                    answer.citedChunkIds().stream().filter(retrieved::contains).count();
            scores.add(new JudgementProduced.Score(
                    "citation_validity", valid / (double) answer.citedChunkIds().size(), "reference", null));
        }
        return scores;
    }

    /** Stores the judgement unless the subject was judged already; true when stored now. */
    private boolean store(JudgementProduced j) {
        String sql = "INSERT INTO judgements (subject_type, subject_event_id, event_id, tenant, scores, judge_model)"
                + " VALUES (?, ?, ?, ?, ?::jsonb, ?) ON CONFLICT (subject_type, subject_event_id) DO NOTHING"
                + " RETURNING event_id";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, j.subjectType());
            ps.setString(2, j.subjectEventId());
            ps.setString(3, j.eventId());
            ps.setString(4, j.tenant());
            ps.setString(5, JSON.writeValueAsString(j.scores()));
            ps.setString(6, j.judgeModel());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
            LOG.warnf("judgement of %s not stored: %s", j.subjectEventId(), e.getMessage());
            throw new IllegalStateException(e);
        }
    }
}
