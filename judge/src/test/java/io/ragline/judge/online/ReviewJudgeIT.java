package io.ragline.judge.online;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ragline.contracts.EventJson;
import io.ragline.contracts.TokenUsage;
import io.ragline.contracts.judgement.JudgementProduced;
import io.ragline.contracts.review.ReviewCompleted;
import io.ragline.contracts.review.ReviewCompleted.Finding;
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
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Online scoring of reviews from {@code reviews.completed} on the real broker and database, with a scripted judge
 * model: rule scores for every posted or failed review, the model's verdicts on the model findings (checked against
 * their diff lines), nothing for a duplicate.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(JudgeModel.class)
class ReviewJudgeIT {

    @Inject
    AgroalDataSource dataSource;

    private static ReviewCompleted review(String repo, ReviewCompleted.Outcome outcome, List<Finding> findings) {
        return ReviewCompleted.of(
                "default",
                UUID.randomUUID().toString(),
                repo,
                7,
                "abc123",
                outcome,
                "model",
                "review-lora",
                findings,
                List.of(),
                false,
                outcome == ReviewCompleted.Outcome.POSTED ? "https://example.invalid/pull/7#review-1" : null,
                1200,
                TokenUsage.NONE);
    }

    private static Map<String, JudgementProduced.Score> judged(ReviewCompleted r) {
        String bootstrap = TestInfrastructure.kafka().bootstrapServers();
        Topic.send(bootstrap, "reviews.completed", r.partitionKey(), EventJson.toJson(r));
        var record = Topic.await(
                bootstrap, "judgements.produced", rec -> rec.value().contains(r.eventId()), Duration.ofSeconds(60));
        JudgementProduced j = EventJson.fromJson(record.value(), JudgementProduced.class);
        assertThat(j.subjectType()).isEqualTo("review");
        return j.scores().stream().collect(Collectors.toMap(JudgementProduced.Score::metric, s -> s));
    }

    @Test
    void aPostedReviewIsScoredByRuleAndItsModelFindingsByTheJudge() throws Exception {
        String repo = "octo/judge-" + UUID.randomUUID().toString().substring(0, 8);
        ReviewCompleted duplicate = review(repo, ReviewCompleted.Outcome.DUPLICATE, List.of());
        ReviewCompleted posted = review(
                repo,
                ReviewCompleted.Outcome.POSTED,
                List.of(
                        new Finding(
                                "src/Cache.java",
                                15,
                                "RIGHT",
                                "major",
                                "bug",
                                "v is null for a missing key: trim() throws.",
                                "return v == null ? null : v.trim();",
                                "model",
                                "  String v = map.get(k);\n>+ return v.trim();\n"),
                        new Finding(
                                "src/Cache.java",
                                16,
                                "RIGHT",
                                "minor",
                                "style",
                                "Consider renaming.",
                                null,
                                "model",
                                ">+ int x = 1;\n"),
                        new Finding(
                                "src/Cache.java", 20, "RIGHT", "minor", "debug", "debug print", null, "check", null)));
        String bootstrap = TestInfrastructure.kafka().bootstrapServers();
        Topic.send(bootstrap, "reviews.completed", duplicate.partitionKey(), EventJson.toJson(duplicate));

        Map<String, JudgementProduced.Score> scores = judged(posted);

        assertThat(scores)
                .containsOnlyKeys(
                        "review_posted",
                        "review_complete",
                        "suggestion_rate",
                        "finding_precision",
                        "finding_actionability");
        assertThat(scores.get("review_posted").value()).isEqualTo(1.0);
        assertThat(scores.get("suggestion_rate").value()).isEqualTo(1 / 3.0);
        assertThat(scores.get("finding_precision").value())
                .as("two model findings judged, one valid; the check's finding is not the model's")
                .isEqualTo(0.5);
        assertThat(scores.get("finding_actionability").value()).isEqualTo(1.0);
        assertThat(scores.get("finding_precision").promptVersion()).isEqualTo("review-findings.v1");
        assertThat(JudgeModel.model.requests())
                .filteredOn(r -> r.system().startsWith("You check the comments"))
                .last()
                .satisfies(r -> assertThat(r.user())
                        .contains(">+ return v.trim();")
                        .contains("Suggestion: return v == null")
                        .doesNotContain("debug print"));
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*) FROM judgements WHERE subject_type = 'review' AND subject_event_id = ?")) {
            ps.setString(1, duplicate.eventId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1))
                        .as("the duplicate, read before the posted review on the same partition, reviewed nothing")
                        .isZero();
            }
        }
    }

    @Test
    void aFailedReviewCountsAsNotPosted() {
        String repo = "octo/judge-" + UUID.randomUUID().toString().substring(0, 8);

        Map<String, JudgementProduced.Score> scores = judged(review(repo, ReviewCompleted.Outcome.FAILED, List.of()));

        assertThat(scores).containsOnlyKeys("review_posted");
        assertThat(scores.get("review_posted").value()).isZero();
        assertThat(scores.get("review_posted").method()).isEqualTo("rule");
    }
}
