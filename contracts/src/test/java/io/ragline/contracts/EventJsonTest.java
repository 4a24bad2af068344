package io.ragline.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ragline.contracts.answer.AnswerProduced;
import io.ragline.contracts.answer.AnswerProduced.AnswerMode;
import io.ragline.contracts.answer.AnswerProduced.Latencies;
import io.ragline.contracts.answer.AnswerProduced.RetrievedContext;
import io.ragline.contracts.document.DocumentDeleted;
import io.ragline.contracts.document.DocumentFailed;
import io.ragline.contracts.document.DocumentIndexed;
import io.ragline.contracts.document.DocumentReindexRequested;
import io.ragline.contracts.document.DocumentSubmitted;
import io.ragline.contracts.judgement.JudgementProduced;
import io.ragline.contracts.research.ResearchCompleted;
import io.ragline.contracts.research.ResearchProgress;
import io.ragline.contracts.research.ResearchRequested;
import io.ragline.contracts.review.ReviewCompleted;
import io.ragline.contracts.review.ReviewCompleted.Finding;
import io.ragline.contracts.review.ReviewRequested;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EventJsonTest {

    static Stream<RaglineEvent> everyEvent() {
        Instant t = Instant.parse("2026-11-29T10:15:30.123456Z");
        return Stream.of(
                new DocumentSubmitted(
                        1,
                        "e1",
                        "acme",
                        t,
                        "doc-1",
                        "Title",
                        "api",
                        "text/plain",
                        "ab12",
                        5,
                        "hello",
                        null,
                        Map.of("team", "search")),
                new DocumentSubmitted(
                        1,
                        "e1b",
                        "acme",
                        t,
                        "doc-1",
                        "Big",
                        "upload",
                        "application/pdf",
                        "cd34",
                        9_000_000,
                        null,
                        "blob-7",
                        Map.of()),
                new DocumentIndexed(1, "e2", "acme", t, "doc-1", "e1", "ab12", 12, 3, 9, "bge-small-en-v1.5-q", 1, 840),
                new DocumentFailed(1, "e3", "acme", t, "doc-1", "e1", "parse", "encrypted PDF"),
                new DocumentDeleted(1, "e4", "acme", t, "doc-1", "key-9"),
                new DocumentReindexRequested(1, "e4b", "acme", t, "doc-1", 1, 2),
                new AnswerProduced(
                        1,
                        "e5",
                        "acme",
                        t,
                        "conv-1",
                        "What is X?",
                        "What is X in ragline?",
                        "X is Y [1].",
                        List.of("c1", "c2"),
                        List.of(new RetrievedContext("c1", "doc-1", 0.82, "X is Y.")),
                        "qwen2.5-7b",
                        AnswerMode.GENERATIVE,
                        new Latencies(40, 900, 960),
                        new TokenUsage(812, 64)),
                new ReviewRequested(1, "e6", "acme", t, "d-1", "octo/hello", 2, "abc", "def", "opened", 42L, null),
                new ReviewCompleted(
                        1,
                        "e7",
                        "acme",
                        t,
                        "e6",
                        "octo/hello",
                        2,
                        "abc",
                        ReviewCompleted.Outcome.POSTED,
                        "model",
                        "qwen2.5-coder",
                        List.of(new Finding(
                                "src/A.java", 10, "RIGHT", "major", "bug", "NPE", "check null", "model", ">+a.b();\n")),
                        List.of("package-lock.json: lock file"),
                        false,
                        "https://example.invalid/review/1",
                        5000,
                        new TokenUsage(3000, 400)),
                new ResearchRequested(1, "e8", "acme", t, "job-1", "Why?", 3, 2, 20, Map.of("source", "api")),
                new ResearchProgress(1, "e9", "acme", t, "job-1", "researching", "2 of 6 sub-questions", 2, 6),
                new ResearchCompleted(
                        1,
                        "e10",
                        "acme",
                        t,
                        "job-1",
                        "Why?",
                        ResearchCompleted.Status.COMPLETED,
                        "model",
                        "# Report\nBecause [1].",
                        List.of(new ResearchCompleted.Source(1, "c1", "doc-1", "Title")),
                        List.of(),
                        12_000,
                        new TokenUsage(10, 20)),
                new JudgementProduced(
                        1,
                        "e11",
                        "acme",
                        t,
                        "answer",
                        "e5",
                        List.of(new JudgementProduced.Score("embedding_support", 0.71, "embedding", null)),
                        "none"),
                new io.ragline.contracts.evaluation.EvaluationCompleted(
                        1,
                        "e12",
                        "acme",
                        t,
                        "run-1",
                        "handbook",
                        "completed",
                        Map.of("token_f1", 0.42),
                        true,
                        List.of("token_f1 fell by 0.1000 against the previous run (run-0)"),
                        "/v1/evals/runs/run-1/report"));
    }

    @ParameterizedTest
    @MethodSource("everyEvent")
    void roundTripsThroughJson(RaglineEvent event) {
        byte[] json = EventJson.toBytes(event);

        Object back = EventJson.fromBytes(json, event.getClass());

        assertThat(back).isEqualTo(event);
        assertThat(new String(json, StandardCharsets.UTF_8))
                .contains("\"schemaVersion\":1")
                .contains("\"occurredAt\":\"2026-11-29T10:15:30.123456Z\"");
    }

    @ParameterizedTest
    @MethodSource("everyEvent")
    void toleratesFieldsFromANewerProducer(RaglineEvent event) throws Exception {
        ObjectNode tree = EventJson.mapper().valueToTree(event);
        tree.put("addedInVersion2", "something new");
        tree.putObject("nestedNewThing").put("x", 1);

        Object back = EventJson.fromJson(EventJson.mapper().writeValueAsString(tree), event.getClass());

        assertThat(back).isEqualTo(event);
    }

    @Test
    void missingRequiredFieldIsAnInvalidEventNamingTheField() {
        String json =
                "{\"schemaVersion\":1,\"eventId\":\"e\",\"tenant\":\"acme\",\"occurredAt\":\"2026-01-01T00:00:00Z\"}";

        assertThatThrownBy(() -> EventJson.fromJson(json, DocumentDeleted.class))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("DocumentDeleted")
                .hasMessageContaining("documentId is required");
    }

    @Test
    void aReviewFindingWrittenBeforeSourceAndExcerptStillReads() {
        String json = "{\"schemaVersion\":1,\"eventId\":\"e\",\"tenant\":\"acme\",\"occurredAt\":"
                + "\"2026-01-01T00:00:00Z\",\"requestEventId\":\"r\",\"repository\":\"o/r\",\"pullNumber\":1,"
                + "\"headSha\":\"abc\",\"outcome\":\"POSTED\",\"mode\":\"model\",\"findings\":[{\"path\":\"A.java\","
                + "\"line\":3,\"side\":\"RIGHT\",\"severity\":\"major\",\"category\":\"bug\",\"message\":\"NPE\"}]}";

        ReviewCompleted r = EventJson.fromJson(json, ReviewCompleted.class);

        assertThat(r.findings()).singleElement().satisfies(f -> {
            assertThat(f.message()).isEqualTo("NPE");
            assertThat(f.source()).isNull();
            assertThat(f.excerpt()).isNull();
        });
    }

    @Test
    void garbageIsAnInvalidEvent() {
        assertThatThrownBy(
                        () -> EventJson.fromBytes("not json".getBytes(StandardCharsets.UTF_8), DocumentIndexed.class))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("DocumentIndexed: ");
    }

    @Test
    void submissionCarriesTextOrClaimCheckButNotBoth() {
        assertThatThrownBy(() ->
                        DocumentSubmitted.of("acme", "d", "t", "api", "text/plain", "h", 1, "text", "blob-1", Map.of()))
                .hasMessageContaining("exactly one of inlineText and contentRef");
    }

    @Test
    void aReindexRequestNamesTwoDifferentIndexVersions() {
        assertThatThrownBy(() -> DocumentReindexRequested.of("acme", "d", 2, 2))
                .hasMessageContaining("different index versions");
        assertThatThrownBy(() -> DocumentReindexRequested.of("acme", "d", 0, 2))
                .hasMessageContaining("different index versions");
        assertThat(DocumentReindexRequested.of("acme", "d", 2, 1).toVersion()).isEqualTo(1);
    }

    @Test
    void everyEventOfOneDocumentSharesItsKafkaKey() {
        DocumentSubmitted submitted =
                DocumentSubmitted.of("acme", "doc-1", "t", "api", "text/plain", "h", 1, "x", null, null);
        DocumentIndexed indexed = DocumentIndexed.of("acme", "doc-1", submitted.eventId(), "h", 1, 1, 0, "m", 1, 5);
        DocumentDeleted deleted = DocumentDeleted.of("acme", "doc-1", "key");
        DocumentReindexRequested reindex = DocumentReindexRequested.of("acme", "doc-1", 1, 2);
        DocumentSubmitted otherTenant =
                DocumentSubmitted.of("globex", "doc-1", "t", "api", "text/plain", "h", 1, "x", null, null);

        assertThat(indexed.partitionKey()).isEqualTo(submitted.partitionKey());
        assertThat(deleted.partitionKey()).isEqualTo(submitted.partitionKey());
        assertThat(reindex.partitionKey()).isEqualTo(submitted.partitionKey());
        assertThat(otherTenant.partitionKey()).isNotEqualTo(submitted.partitionKey());
    }

    @Test
    void factoriesStampANewIdAndTheCurrentSchemaVersion() {
        DocumentDeleted a = DocumentDeleted.of("acme", "doc-1", "k");
        DocumentDeleted b = DocumentDeleted.of("acme", "doc-1", "k");

        assertThat(a.eventId()).isNotEqualTo(b.eventId());
        assertThat(a.schemaVersion()).isEqualTo(DocumentDeleted.SCHEMA_VERSION);
        assertThat(a.occurredAt()).isNotNull();
    }
}
