package io.ragline.judge.online;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ragline.contracts.EventJson;
import io.ragline.contracts.TokenUsage;
import io.ragline.contracts.answer.AnswerProduced;
import io.ragline.contracts.judgement.JudgementProduced;
import io.ragline.runtime.testing.KafkaTestResource;
import io.ragline.runtime.testing.PostgresTestResource;
import io.ragline.runtime.testing.TestInfrastructure;
import io.ragline.runtime.testing.Topic;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Online scoring against the real broker and database, with the in-process embedding model. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(SampleEverything.class)
class AnswerJudgeIT {

    private static final List<AnswerProduced.RetrievedContext> CONTEXTS = List.of(
            new AnswerProduced.RetrievedContext(
                    "chunk-1",
                    "kafka-guide",
                    0.8,
                    "Consumers in a group share the partitions of a topic. Each partition is read by one consumer."),
            new AnswerProduced.RetrievedContext(
                    "chunk-2", "pg-notes", 0.6, "Vacuum reclaims the space of dead rows in PostgreSQL."));

    @Inject
    AgroalDataSource dataSource;

    private static Map<String, JudgementProduced.Score> judge(AnswerProduced answer) {
        String bootstrap = TestInfrastructure.kafka().bootstrapServers();
        Topic.send(bootstrap, "answers.produced", answer.partitionKey(), EventJson.toJson(answer));
        var record = Topic.await(
                bootstrap, "judgements.produced", r -> r.value().contains(answer.eventId()), Duration.ofSeconds(60));
        assertThat(record.key()).isEqualTo(answer.eventId());
        JudgementProduced j = EventJson.fromJson(record.value(), JudgementProduced.class);
        assertThat(j.subjectType()).isEqualTo("answer");
        assertThat(j.judgeModel()).isEqualTo("none");
        return j.scores().stream().collect(Collectors.toMap(JudgementProduced.Score::metric, s -> s));
    }

    private static AnswerProduced answer(String text, List<String> cited) {
        return AnswerProduced.of(
                "default",
                "conv-1",
                "How do consumers share work?",
                null,
                text,
                cited,
                CONTEXTS,
                "none",
                AnswerProduced.AnswerMode.EXTRACTIVE,
                null,
                TokenUsage.NONE);
    }

    @Test
    void aSupportedAnswerScoresHigherThanAnUnsupportedOneAndNoLlmMetricIsClaimed() throws Exception {
        Map<String, JudgementProduced.Score> supported = judge(answer(
                "Consumers in a group share the partitions of a topic [1]. Each partition is read by one consumer [1].",
                List.of("chunk-1")));
        Map<String, JudgementProduced.Score> unsupported = judge(answer(
                "The moon landing happened in 1969 [1]. Bananas are rich in potassium [3].",
                List.of("chunk-1", "chunk-9")));

        assertThat(supported).containsOnlyKeys("embedding_support", "citation_validity");
        assertThat(supported.get("embedding_support").method()).isEqualTo("embedding");
        assertThat(supported.get("embedding_support").value()).isGreaterThan(0.85);
        assertThat(unsupported.get("embedding_support").value())
                .isLessThan(supported.get("embedding_support").value() - 0.2);
        assertThat(supported.get("citation_validity").value()).isEqualTo(1.0);
        assertThat(unsupported.get("citation_validity").value()).isEqualTo(0.5);

        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(
                        containsString(
                                "ragline_judge_score_count{method=\"embedding\",metric=\"embedding_support\",subject=\"answer\"}"));
    }

    @Test
    void anAnswerIsJudgedOnceHoweverOftenItArrives() throws Exception {
        AnswerProduced a = answer("Consumers in a group share the partitions of a topic [1].", List.of("chunk-1"));
        judge(a);
        String bootstrap = TestInfrastructure.kafka().bootstrapServers();
        Topic.send(bootstrap, "answers.produced", a.partitionKey(), EventJson.toJson(a));
        Thread.sleep(3000);

        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*) FROM judgements WHERE subject_type = 'answer' AND subject_event_id = ?")) {
            ps.setString(1, a.eventId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }
}
