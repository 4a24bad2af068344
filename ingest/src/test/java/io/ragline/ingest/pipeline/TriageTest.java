package io.ragline.ingest.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragline.contracts.document.ContentHash;
import io.ragline.contracts.document.DocumentSubmitted;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TriageTest {

    private static final String MODEL = "bge-small-en-v1.5";

    private static DocumentSubmitted submitted(String id, String title, String text) {
        return DocumentSubmitted.of(
                "acme", id, title, "test", "text/plain", ContentHash.of(text), text.length(), text, null, Map.of());
    }

    private static IndexStore.Current indexed(DocumentSubmitted as, Instant at, String model, int version) {
        return new IndexStore.Current(as.contentHash(), as.title(), "indexed", model, version, at, 3);
    }

    @Test
    void aNewDocumentIsParsed() {
        DocumentSubmitted event = submitted("a", "A", "alpha");

        Triage triage = Triage.of(List.of(event), Set.of(), Map.of(), MODEL, 1);

        assertThat(triage.toParse()).extracting(Triage.ToParse::event).containsExactly(event);
        assertThat(triage.toParse().get(0).now()).isNull();
        assertThat(triage.unchanged()).isEmpty();
        assertThat(triage.stale()).isEmpty();
        assertThat(triage.redelivered()).isEmpty();
    }

    @Test
    void theSameTextTitleModelAndVersionOnlyTouchesTheDocument() {
        DocumentSubmitted event = submitted("a", "A", "alpha");
        Instant before = event.occurredAt().minusSeconds(60);

        Triage triage = Triage.of(
                List.of(event), Set.of(), Map.of(event.partitionKey(), indexed(event, before, MODEL, 1)), MODEL, 1);

        assertThat(triage.unchanged()).hasSize(1);
        Triage.Unchanged unchanged = triage.unchanged().get(0);
        assertThat(unchanged.chunkCount()).isEqualTo(3);
        assertThat(unchanged.touch().versionAt()).isEqualTo(event.occurredAt());
        assertThat(unchanged.touch().metadataJson()).isEqualTo("{}");
        assertThat(triage.toParse()).isEmpty();
    }

    @Test
    void aNewTitleAModelOrAnIndexVersionMeansNewChunks() {
        DocumentSubmitted event = submitted("a", "A", "alpha");
        Instant before = event.occurredAt().minusSeconds(60);
        DocumentSubmitted retitled = submitted("a", "B", "alpha");

        for (IndexStore.Current now : List.of(
                indexed(retitled, before, MODEL, 1),
                indexed(event, before, "another-model", 1),
                indexed(event, before, MODEL, 2))) {
            Triage triage = Triage.of(List.of(event), Set.of(), Map.of(event.partitionKey(), now), MODEL, 1);
            assertThat(triage.toParse()).as("against %s", now).hasSize(1);
            assertThat(triage.toParse().get(0).now()).isSameAs(now);
        }
    }

    @Test
    void anOlderSubmissionThanTheAppliedVersionIsStale() {
        DocumentSubmitted event = submitted("a", "A", "alpha");
        Instant later = event.occurredAt().plusSeconds(1);

        Triage triage = Triage.of(
                List.of(event), Set.of(), Map.of(event.partitionKey(), indexed(event, later, MODEL, 1)), MODEL, 1);

        assertThat(triage.stale()).containsExactly(event);
        assertThat(triage.toParse()).isEmpty();
        assertThat(triage.unchanged()).isEmpty();
    }

    @Test
    void theDatabasesMicrosecondRoundingIsNotStale() {
        DocumentSubmitted event = submitted("a", "A", "alpha");
        Instant rounded = event.occurredAt().plusNanos(500);

        Triage triage = Triage.of(
                List.of(event), Set.of(), Map.of(event.partitionKey(), indexed(event, rounded, MODEL, 1)), MODEL, 1);

        assertThat(triage.stale()).isEmpty();
        assertThat(triage.unchanged()).hasSize(1);
    }

    @Test
    void anAppliedEventIsRedeliveredAndItsOutcomeResentOnlyWhenItWasIndexed() {
        DocumentSubmitted applied = submitted("a", "A", "alpha");
        DocumentSubmitted failed = submitted("b", "B", "beta");
        IndexStore.Current failedNow = new IndexStore.Current(null, null, "failed", null, 0, failed.occurredAt(), 0);

        Triage triage = Triage.of(
                List.of(applied, failed),
                Set.of(applied.eventId(), failed.eventId()),
                Map.of(
                        applied.partitionKey(),
                        indexed(applied, applied.occurredAt(), MODEL, 1),
                        failed.partitionKey(),
                        failedNow),
                MODEL,
                1);

        assertThat(triage.redelivered()).extracting(Triage.Redelivered::event).containsExactly(applied, failed);
        assertThat(triage.redelivered()).extracting(Triage.Redelivered::indexed).containsExactly(true, false);
        assertThat(triage.toParse()).isEmpty();
    }
}
