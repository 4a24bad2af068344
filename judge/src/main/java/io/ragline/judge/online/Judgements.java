package io.ragline.judge.online;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.ragline.contracts.judgement.JudgementProduced;
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
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Where online judgements go: stored once per subject in PostgreSQL, each score recorded in the Prometheus summary
 * {@code ragline_judge_score{subject, metric, method}}, and published on {@code judgements.produced}.
 */
@ApplicationScoped
public class Judgements {

    public static final String OUT = "judgements-produced";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry registry;

    @Inject
    @Channel(OUT)
    MutinyEmitter<JudgementProduced> out;

    /** Whether an event is in the sample: its id hashed to [0, 1) below the rate, alike on every instance. */
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

    /**
     * Stores, records and publishes a judgement, unless its subject was judged before (a redelivery, another
     * instance); a failed store throws, so the record is redelivered.
     */
    void publish(JudgementProduced judgement) {
        if (!store(judgement)) {
            return;
        }
        for (JudgementProduced.Score s : judgement.scores()) {
            DistributionSummary.builder("ragline.judge.score")
                    .description("Online scores of sampled answers and reviews, per metric")
                    .tag("subject", judgement.subjectType())
                    .tag("metric", s.metric())
                    .tag("method", s.method())
                    .register(registry)
                    .record(s.value());
        }
        out.sendMessage(Message.of(judgement)
                        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                                .withKey(judgement.partitionKey())
                                .build()))
                .await()
                .atMost(Duration.ofSeconds(10));
    }

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
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("judgement of " + j.subjectEventId() + " not stored: " + e.getMessage(), e);
        }
    }
}
