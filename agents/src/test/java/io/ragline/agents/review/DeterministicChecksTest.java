package io.ragline.agents.review;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragline.agents.review.diff.UnifiedDiff;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeterministicChecksTest {

    @Test
    void secretsConflictMarkersDebugPrintsAndTodosOnAddedLines() {
        String patch = """
                @@ -1,3 +1,10 @@
                 class Config {
                -    String key = System.getenv("KEY");
                +    String key = "AKIAIOSFODNN7EXAMPLE";
                +    String password = "hunter2hunter2";
                +<<<<<<< HEAD
                +=======
                +>>>>>>> feature
                +    // TODO handle the null case
                +    void f() { System.out.println("here"); }
                +    -----BEGIN RSA PRIVATE KEY-----
                 }
                """;
        List<Finding> findings =
                DeterministicChecks.run(List.of(UnifiedDiff.parsePatch("src/Config.java", "modified", patch)), 1000);

        assertThat(findings)
                .extracting(Finding::line, Finding::category, Finding::severity)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(2, "secret", "critical"),
                        org.assertj.core.groups.Tuple.tuple(3, "secret", "major"),
                        org.assertj.core.groups.Tuple.tuple(4, "bug", "major"),
                        org.assertj.core.groups.Tuple.tuple(5, "bug", "major"),
                        org.assertj.core.groups.Tuple.tuple(6, "bug", "major"),
                        org.assertj.core.groups.Tuple.tuple(7, "maintainability", "info"),
                        org.assertj.core.groups.Tuple.tuple(8, "style", "info"),
                        org.assertj.core.groups.Tuple.tuple(9, "secret", "critical"));
        assertThat(findings).allSatisfy(f -> {
            assertThat(f.side()).isEqualTo("RIGHT");
            assertThat(f.source()).isEqualTo("check");
        });
    }

    @Test
    void removedLinesTestPrintsAndPlaceholdersAreNotFlagged() {
        String patch = """
                @@ -1,3 +1,3 @@
                -    String token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
                +    String token = System.getenv("TOKEN");
                +    String password = "${DB_PASSWORD}";
                 }
                """;
        assertThat(DeterministicChecks.run(
                        List.of(UnifiedDiff.parsePatch(
                                "src/A.java", "modified", patch.replace("@@ -1,3 +1,3 @@", "@@ -1,2 +1,3 @@"))),
                        1000))
                .isEmpty();
        String test = "@@ -0,0 +1 @@\n+System.out.println(\"debug\");\n";
        assertThat(DeterministicChecks.run(List.of(UnifiedDiff.parsePatch("src/test/ATest.java", "added", test)), 1000))
                .isEmpty();
    }

    @Test
    void aVeryLargeFileIsFlaggedOnce() {
        StringBuilder p = new StringBuilder("@@ -0,0 +1,600 @@\n");
        for (int i = 0; i < 600; i++) {
            p.append("+int x").append(i).append(" = ").append(i).append(";\n");
        }
        assertThat(DeterministicChecks.run(
                        List.of(UnifiedDiff.parsePatch("src/Huge.java", "added", p.toString())), 500))
                .extracting(Finding::message)
                .containsExactly("This change adds 600 lines to one file, which is hard to review.");
    }
}
