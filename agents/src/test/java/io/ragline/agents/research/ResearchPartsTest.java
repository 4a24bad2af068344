package io.ragline.agents.research;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The research agent's model-free parts: key phrases, the reference list, the report and its review. */
class ResearchPartsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void keyPhrasesAreTheRunsBetweenStopWordsLongestFirst() {
        assertThat(KeyPhrases.phrases("How do Kafka consumer groups share partitions and handle failures?", 5))
                .containsExactly("Kafka consumer groups share partitions", "handle failures");
        assertThat(KeyPhrases.phrases("What is the?", 3)).isEmpty();
    }

    @Test
    void theBestSentenceSharesMostTermsWithTheQuery() {
        String passage =
                "Kafka is a log. Consumers in a group share the partitions of a topic. It was built at LinkedIn.";

        assertThat(KeyPhrases.bestSentence(passage, "how do consumer groups share partitions"))
                .isEqualTo("Consumers in a group share the partitions of a topic.");
    }

    private static ResearchStore.Step step(String id, String question, String status, String... chunks) {
        ObjectNode result = JSON.createObjectNode();
        var passages = result.putArray("passages");
        var notes = result.putArray("notes");
        for (int i = 0; i < chunks.length; i++) {
            passages.addObject()
                    .put("chunkId", chunks[i])
                    .put("documentId", "doc-" + chunks[i])
                    .put("title", "T" + chunks[i])
                    .put("text", "text of " + chunks[i]);
            notes.addObject()
                    .put("text", "note on " + chunks[i])
                    .putArray("passages")
                    .add(i);
        }
        return new ResearchStore.Step(
                "job", id, "research", 1, question, status, status.equals("done") ? result : null);
    }

    @Test
    void sourcesAreNumberedByFirstUseAndCappedWhileFailuresAreNamed() {
        Writer.Material m = Writer.material(
                List.of(
                        step("r1", "q1", "done", "a", "b"),
                        step("r2", "q2", "done", "b", "c", "d"),
                        step("r3", "q3", "failed"),
                        step("r4", "q4", "done")),
                3);

        assertThat(m.sources()).extracting(Report.Source::chunkId).containsExactly("a", "b", "c");
        assertThat(m.notes())
                .as("the same note found by two sub-questions is kept once; a note on a source past the cap is not")
                .extracting(Writer.Note::sources)
                .containsExactly(List.of(1), List.of(2), List.of(3));
        assertThat(m.missing()).containsExactly("q3: the research step failed", "q4: the documents had nothing on it");
    }

    @Test
    void theMarkdownCitesEveryClaimAndListsReferencesAndGaps() {
        Report report = new Report(
                "Title",
                "model",
                List.of(
                        new Report.Section(
                                "Kafka", List.of(new Report.Claim("Consumers share partitions.", List.of(1, 2)))),
                        new Report.Section("Empty", List.of())),
                List.of(new Report.Source(1, "c1", "d1", "Guide", "t"), new Report.Source(2, "c2", "d2", null, "t")),
                List.of("q3: the research step failed"),
                List.of());

        assertThat(report.markdown())
                .contains("## Kafka\n\nConsumers share partitions [1] [2].")
                .doesNotContain("## Empty")
                .contains("## What is missing\n\n- q3: the research step failed")
                .contains("1. Guide (document `d1`, chunk `c1`)")
                .contains("2. d2 (document `d2`, chunk `c2`)");
    }

    @Test
    void unsupportedClaimsOfTheLastReviewAreRemovedAndListed() {
        Report draft = new Report(
                "T",
                "model",
                List.of(new Report.Section(
                        "S",
                        List.of(
                                new Report.Claim("Supported.", List.of(1)),
                                new Report.Claim("The moon is cheese.", List.of(1))))),
                List.of(new Report.Source(1, "c1", "d1", "T", "t")),
                List.of(),
                List.of());

        Report kept = Drafts.withoutUnsupported(
                draft, List.of(new Reviewer.Verdict(true, "ok"), new Reviewer.Verdict(false, "no source says so")));

        assertThat(kept.claims()).extracting(Report.Claim::text).containsExactly("Supported.");
        assertThat(kept.removed()).containsExactly(new Report.Removed("The moon is cheese.", "no source says so"));
        assertThat(kept.markdown()).contains("## Removed in review");
    }
}
