package io.ragline.judge.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * With a judge model configured, sampled answers also get the RAGAS metrics that need no reference (faithfulness,
 * answer relevancy, context utilization), each labelled as an LLM metric with its prompt version.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(JudgeModel.class)
class AnswerJudgeWithModelIT {

    @Test
    void ragasMetricsAreReportedWithTheirMethodPromptVersionAndModel() {
        JudgeModel.model.clearRequests(); // the model is shared with the other tests of this application
        AnswerProduced answer = AnswerProduced.of(
                "default",
                "conv-9",
                "How do consumers share work?",
                null,
                "Consumers in a group share partitions [1]. Each partition is read by one consumer [1].",
                List.of("chunk-1"),
                List.of(
                        new AnswerProduced.RetrievedContext(
                                "chunk-1",
                                "kafka-guide",
                                0.8,
                                "Consumers in a group share the partitions of a topic. Each partition is read by one consumer.")),
                "qwen",
                AnswerProduced.AnswerMode.GENERATIVE,
                null,
                TokenUsage.NONE);
        String bootstrap = TestInfrastructure.kafka().bootstrapServers();
        Topic.send(bootstrap, "answers.produced", answer.partitionKey(), EventJson.toJson(answer));

        var record = Topic.await(
                bootstrap, "judgements.produced", r -> r.value().contains(answer.eventId()), Duration.ofSeconds(60));
        JudgementProduced j = EventJson.fromJson(record.value(), JudgementProduced.class);

        assertThat(j.judgeModel()).isEqualTo("judge-lora");
        assertThat(j.scores())
                .extracting(JudgementProduced.Score::metric)
                .containsExactlyInAnyOrder(
                        "embedding_support",
                        "faithfulness",
                        "answer_relevancy",
                        "context_utilization",
                        "citation_validity");
        JudgementProduced.Score f = j.scores().stream()
                .filter(s -> s.metric().equals("faithfulness"))
                .findFirst()
                .orElseThrow();
        assertThat(f.value()).isEqualTo(1.0);
        assertThat(f.method()).isEqualTo("llm");
        assertThat(f.promptVersion()).isEqualTo("faithfulness.v1");
        JudgementProduced.Score utilization = j.scores().stream()
                .filter(s -> s.metric().equals("context_utilization"))
                .findFirst()
                .orElseThrow();
        assertThat(utilization.value()).as("the one passage was useful").isCloseTo(1.0, within(1e-9));
        assertThat(utilization.promptVersion()).isEqualTo("context-precision.v1");
        assertThat(j.scores())
                .filteredOn(s -> s.metric().equals("answer_relevancy"))
                .singleElement()
                .satisfies(s -> assertThat(s.value()).isBetween(0.5, 1.0));
        assertThat(j.scores())
                .extracting(JudgementProduced.Score::metric)
                .as("no reference answer online, so no context recall")
                .doesNotContain("context_recall", "context_precision");
        assertThat(JudgeModel.model.requests())
                .as("statements, verdicts, passage verdicts, questions")
                .hasSize(4);
    }
}
