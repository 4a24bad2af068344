package io.ragline.agents.review.diff;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DiffBudgetTest {

    private static FileDiff file(String path, int hunks, int linesPerHunk) {
        StringBuilder patch = new StringBuilder();
        for (int h = 0; h < hunks; h++) {
            int start = 1 + h * 100;
            patch.append("@@ -")
                    .append(start)
                    .append(",0 +")
                    .append(start)
                    .append(',')
                    .append(linesPerHunk)
                    .append(" @@\n");
            for (int i = 0; i < linesPerHunk; i++) {
                patch.append("+line ").append(h).append(' ').append(i).append(" of some added code here\n");
            }
        }
        return UnifiedDiff.parsePatch(path, "modified", patch.toString());
    }

    @Test
    void lockBinaryGeneratedAndIgnoredFilesAreSkippedWithTheReason() {
        List<FileDiff> files = List.of(
                file("src/main/App.java", 1, 3),
                file("package-lock.json", 1, 3),
                UnifiedDiff.parsePatch("assets/logo.png", "added", null),
                file("src/generated/Model.java", 1, 3),
                file("web/app.min.js", 1, 3),
                file("docs/notes.md", 1, 3));

        DiffBudget.Plan plan = DiffBudget.plan(files, 10_000, List.of("docs/**"));

        assertThat(plan.skipped())
                .extracting(DiffBudget.Skipped::path, DiffBudget.Skipped::reason)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("package-lock.json", "lock file"),
                        org.assertj.core.groups.Tuple.tuple("assets/logo.png", "binary"),
                        org.assertj.core.groups.Tuple.tuple("src/generated/Model.java", "generated or vendored"),
                        org.assertj.core.groups.Tuple.tuple("web/app.min.js", "generated or vendored"),
                        org.assertj.core.groups.Tuple.tuple("docs/notes.md", "ignored by .ragline/review.yml"));
        assertThat(plan.parts()).hasSize(1);
        assertThat(plan.parts().get(0).slices())
                .extracting(s -> s.file().path())
                .containsExactly("src/main/App.java");
    }

    @Test
    void sourceComesBeforeTestsAndDocsAndPartsStayWithinTheBudget() {
        List<FileDiff> files = List.of(
                file("README.md", 1, 5), file("src/test/AppTest.java", 2, 10), file("src/main/App.java", 3, 10));

        DiffBudget.Plan plan = DiffBudget.plan(files, 250, List.of());

        List<String> order = new ArrayList<>();
        plan.parts()
                .forEach(p -> p.slices().forEach(s -> {
                    if (!order.contains(s.file().path())) {
                        order.add(s.file().path());
                    }
                }));
        assertThat(order).containsExactly("src/main/App.java", "src/test/AppTest.java", "README.md");
        assertThat(plan.parts()).hasSizeGreaterThan(1);
        assertThat(plan.parts()).allSatisfy(p -> assertThat(p.tokens()).isLessThanOrEqualTo(250));
    }

    @Test
    void aHunkLargerThanTheBudgetGetsItsOwnTruncatedPart() {
        DiffBudget.Plan plan = DiffBudget.plan(List.of(file("src/Big.java", 1, 200)), 300, List.of());

        assertThat(plan.parts()).hasSize(1);
        assertThat(plan.parts().get(0).truncated()).isTrue();
        assertThat(DiffBudget.tokens(plan.parts().get(0).text())).isLessThanOrEqualTo(330);
    }

    @Test
    void everyDefects4jHunkLandsInExactlyOnePartUnderATightBudget() throws Exception {
        for (JsonNode bug : Defects4jDiffTest.bugs()) {
            for (String key : List.of("src_patch", "test_patch")) {
                List<FileDiff> files = UnifiedDiff.parse(Files.readString(
                        Defects4jDiffTest.DATA.resolve(bug.path(key).asText())));
                DiffBudget.Plan plan = DiffBudget.plan(files, 400, List.of());
                Set<String> all = new HashSet<>();
                Set<String> skipped = new HashSet<>();
                plan.skipped().forEach(k -> skipped.add(k.path()));
                files.stream()
                        .filter(f -> !skipped.contains(f.path()))
                        .forEach(f -> f.hunks().forEach(h -> all.add(f.path() + h.header() + h.oldStart())));
                assertThat(plan.skipped())
                        .allSatisfy(k -> assertThat(k.reason()).isEqualTo("deleted"));
                List<String> seen = new ArrayList<>();
                plan.parts()
                        .forEach(p -> p.slices()
                                .forEach(s ->
                                        s.hunks().forEach(h -> seen.add(s.file().path() + h.header() + h.oldStart()))));
                assertThat(seen).as("%s %s", bug.path("bug_id"), key).doesNotHaveDuplicates();
                assertThat(new HashSet<>(seen))
                        .as("%s %s", bug.path("bug_id"), key)
                        .isEqualTo(all);
                assertThat(plan.parts())
                        .filteredOn(p -> !p.truncated())
                        .allSatisfy(p -> assertThat(p.tokens()).isLessThanOrEqualTo(400));
            }
        }
    }
}
