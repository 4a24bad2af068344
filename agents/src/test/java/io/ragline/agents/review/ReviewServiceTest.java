package io.ragline.agents.review;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragline.agents.review.diff.DiffBudget;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReviewServiceTest {

    private static Finding f(String path, int line, String severity, String category) {
        return new Finding(path, line, "RIGHT", severity, category, "m", null, "model");
    }

    @Test
    void selectionMergesDuplicatesAppliesTheFloorAndTheLimitMostSevereFirst() {
        RepositorySettings settings = new RepositorySettings(List.of(), 2, "minor", null, null, null);
        List<Finding> picked = ReviewService.select(
                List.of(
                        f("a", 1, "minor", "bug"),
                        f("a", 1, "major", "bug"),
                        f("b", 2, "info", "style"),
                        f("c", 3, "critical", "security"),
                        f("d", 4, "minor", "bug"),
                        f("e", 5, "info", "secret")),
                settings);

        assertThat(picked)
                .extracting(Finding::path, Finding::severity)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("c", "critical"),
                        org.assertj.core.groups.Tuple.tuple("a", "major"));
    }

    @Test
    void withoutAModelTheSummarySaysOnlyDeterministicChecksRan() {
        String body = ReviewService.summary(
                "deterministic",
                "none",
                List.of(),
                3,
                new DiffBudget.Plan(List.of(), List.of(new DiffBudget.Skipped("yarn.lock", "lock file"))),
                RepositorySettings.parse("severity_floor: loud", RepositorySettings.defaults(10, "minor")),
                null,
                0,
                ReviewService.marker("abc"));

        assertThat(body)
                .contains("**Deterministic checks only**")
                .contains("Logic was not reviewed")
                .contains("`yarn.lock`: lock file")
                .contains(".ragline/review.yml was not used: severity_floor must be one of")
                .endsWith("<!-- ragline-review abc -->");
    }

    @Test
    void repositorySettingsAreReadFromYaml() {
        RepositorySettings s = RepositorySettings.parse(
                "ignore:\n  - docs/**\n  - '**/*.sql'\nmax_findings: 4\nseverity_floor: Major\ninstructions: Prefer records.\nmodel: lora-1\n",
                RepositorySettings.defaults(10, "minor"));

        assertThat(s.ignore()).containsExactly("docs/**", "**/*.sql");
        assertThat(s.maxFindings()).isEqualTo(4);
        assertThat(s.severityFloor()).isEqualTo("major");
        assertThat(s.instructions()).isEqualTo("Prefer records.");
        assertThat(s.model()).isEqualTo("lora-1");
        assertThat(s.problem()).isNull();
        assertThat(RepositorySettings.parse("ignore: [unclosed", RepositorySettings.defaults(10, "minor"))
                        .problem())
                .contains("not valid YAML");
    }
}
