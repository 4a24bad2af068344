package io.ragline.agents.research;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class JobStatusTest {

    @Test
    void theStoredNamesAreTheLowerCaseOnesAndReadBack() {
        for (JobStatus s : JobStatus.values()) {
            assertThat(JobStatus.of(s.value())).isEqualTo(s);
        }
        assertThat(JobStatus.BUDGET_EXHAUSTED.value()).isEqualTo("budget_exhausted");
        // every finished status the store knows is a status of the machine
        ResearchStore.FINISHED.forEach(f -> assertThat(JobStatus.of(f).value()).isEqualTo(f));
    }

    @Test
    void onlyTheWorkingMovesAreAllowed() {
        assertThat(JobStatus.QUEUED.canMoveTo(JobStatus.RESEARCHING)).isTrue();
        assertThat(JobStatus.RESEARCHING.canMoveTo(JobStatus.RESEARCHING)).isTrue();
        assertThat(JobStatus.RESEARCHING.canMoveTo(JobStatus.WRITING)).isTrue();
        assertThat(JobStatus.WRITING.canMoveTo(JobStatus.REVIEWING)).isTrue();
        assertThat(JobStatus.REVIEWING.canMoveTo(JobStatus.WRITING)).isTrue();
        assertThat(JobStatus.QUEUED.canMoveTo(JobStatus.WRITING)).isFalse();
        assertThat(JobStatus.WRITING.canMoveTo(JobStatus.RESEARCHING)).isFalse();
        assertThat(JobStatus.COMPLETED.canMoveTo(JobStatus.WRITING)).isFalse();
    }

    @Test
    void aTransitionTheMachineDoesNotAllowIsRefused() {
        ResearchStore.NewStep writer = new ResearchStore.NewStep("write-0", "write", 1, null);
        assertThatThrownBy(() ->
                        new Transition("j", JobStatus.QUEUED, 1, JobStatus.WRITING, 1, 0, null, null, List.of(writer)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("QUEUED to WRITING");
        Transition planned = Transition.planned("j", "model", List.of("A"), List.of());
        assertThat(planned.from()).isEqualTo(JobStatus.QUEUED);
        assertThat(planned.to()).isEqualTo(JobStatus.RESEARCHING);
        assertThat(planned.toLevel()).isEqualTo(1);
    }
}
