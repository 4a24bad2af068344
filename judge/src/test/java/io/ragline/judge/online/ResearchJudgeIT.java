package io.ragline.judge.online;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ragline.contracts.EventJson;
import io.ragline.contracts.TokenUsage;
import io.ragline.contracts.judgement.JudgementProduced;
import io.ragline.contracts.research.ResearchCompleted;
import io.ragline.judge.StubIndex;
import io.ragline.retriever.api.ChunksApi;
import io.ragline.runtime.testing.KafkaTestResource;
import io.ragline.runtime.testing.PostgresTestResource;
import io.ragline.runtime.testing.TestInfrastructure;
import io.ragline.runtime.testing.Topic;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Online scoring of research reports from {@code research.completed} on the real broker and database with a scripted
 * judge model: the report is judged against the full text of the chunks it cites.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(JudgeModel.class)
@WithTestResource(StubIndex.class)
class ResearchJudgeIT {

    private static final String GROUPS = "Consumers in a group share the partitions of a topic.";
    private static final String PARTITIONS = "Each partition is read by one consumer of the group at a time.";

    @Test
    void aReportIsJudgedAgainstTheChunksItCites() throws Exception {
        String c1 = "rj-" + UUID.randomUUID();
        String c2 = "rj-" + UUID.randomUUID();
        StubIndex.retriever.index(
                "default",
                List.of(
                        new ChunksApi.Chunk(c1, "kafka-guide", 0, 0, GROUPS.length(), GROUPS),
                        new ChunksApi.Chunk(c2, "kafka-guide", 1, GROUPS.length(), 100, PARTITIONS)));
        String markdown = "# How consumers share work\n\n## Findings\n\nConsumers in a group share the partitions of"
                + " a topic [1]. Each partition is read by one consumer at a time [2]. Kafka is popular.\n\n"
                + "## References\n\n1. Kafka guide (document `kafka-guide`, chunk `" + c1 + "`)\n";
        ResearchCompleted report = ResearchCompleted.of(
                "default",
                "job-" + UUID.randomUUID(),
                "How do consumers share work?",
                ResearchCompleted.Status.COMPLETED,
                "model",
                markdown,
                List.of(
                        new ResearchCompleted.Source(1, c1, "kafka-guide", "Kafka guide"),
                        new ResearchCompleted.Source(2, c2, "kafka-guide", "Kafka guide")),
                List.of(),
                1200,
                TokenUsage.NONE);
        String bootstrap = TestInfrastructure.kafka().bootstrapServers();
        Topic.send(bootstrap, "research.completed", report.partitionKey(), EventJson.toJson(report));

        var record = Topic.await(
                bootstrap, "judgements.produced", r -> r.value().contains(report.eventId()), Duration.ofSeconds(60));
        JudgementProduced j = EventJson.fromJson(record.value(), JudgementProduced.class);
        Map<String, JudgementProduced.Score> scores =
                j.scores().stream().collect(Collectors.toMap(JudgementProduced.Score::metric, s -> s));

        assertThat(j.subjectType()).isEqualTo("research");
        assertThat(scores)
                .containsOnlyKeys("citation_coverage", "research_complete", "embedding_support", "faithfulness");
        assertThat(scores.get("citation_coverage").value())
                .as("two of the three sentences cite a source")
                .isEqualTo(2 / 3.0);
        assertThat(scores.get("research_complete").value()).isEqualTo(1.0);
        assertThat(scores.get("faithfulness").value()).isEqualTo(1.0);
        assertThat(JudgeModel.model.requests())
                .filteredOn(r -> r.system().startsWith("Judge whether each statement"))
                .last()
                .satisfies(r -> assertThat(r.user()).contains(GROUPS).contains(PARTITIONS));
        assertThat(JudgeModel.model.requests())
                .filteredOn(r -> r.system().startsWith("Break the answer"))
                .last()
                .satisfies(
                        r -> assertThat(r.user()).doesNotContain("References").doesNotContain("# How"));
    }
}
