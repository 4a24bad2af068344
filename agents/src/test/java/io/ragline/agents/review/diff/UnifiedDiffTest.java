package io.ragline.agents.review.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class UnifiedDiffTest {

    private static final String TWO_FILES = """
            diff --git a/src/A.java b/src/A.java
            index 1111111..2222222 100644
            --- a/src/A.java
            +++ b/src/A.java
            @@ -1,4 +1,4 @@ class A {
             line one
            -line two
            +line 2
             line three
             line four
            @@ -10,2 +10,3 @@ void f() {
             ten
            +ten and a half
             eleven
            diff --git a/docs/old.md b/docs/new.md
            similarity index 90%
            rename from docs/old.md
            rename to docs/new.md
            --- a/docs/old.md
            +++ b/docs/new.md
            @@ -1 +1 @@
            --- a dashed line
            +++ a plussed line
            diff --git a/logo.png b/logo.png
            new file mode 100644
            index 0000000..3333333
            Binary files /dev/null and b/logo.png differ
            """;

    @Test
    void filesHunksLineNumbersAndGithubPositions() {
        List<FileDiff> files = UnifiedDiff.parse(TWO_FILES);

        assertThat(files).extracting(FileDiff::path).containsExactly("src/A.java", "docs/new.md", "logo.png");
        FileDiff a = files.get(0);
        assertThat(a.status()).isEqualTo("modified");
        assertThat(a.hunks()).hasSize(2);
        assertThat(a.added()).isEqualTo(2);
        assertThat(a.removed()).isEqualTo(1);
        // positions: first hunk lines 1..5, the second header is 6, its lines 7..9
        assertThat(a.hunks().get(0).lines()).extracting(DiffLine::position).containsExactly(1, 2, 3, 4, 5);
        assertThat(a.hunks().get(1).lines()).extracting(DiffLine::position).containsExactly(7, 8, 9);
        DiffLine added = a.hunks().get(1).lines().get(1);
        assertThat(added.added()).isTrue();
        assertThat(added.newLine()).isEqualTo(11);
        assertThat(a.commentable(11, "RIGHT")).contains(added);
        assertThat(a.commentable(2, "LEFT").orElseThrow().text()).isEqualTo("line two");
        assertThat(a.commentable(2, "RIGHT").orElseThrow().text()).isEqualTo("line 2");
        assertThat(a.commentable(7, "RIGHT")).as("not in the diff").isEmpty();

        FileDiff renamed = files.get(1);
        assertThat(renamed.status()).isEqualTo("renamed");
        assertThat(renamed.oldPath()).isEqualTo("docs/old.md");
        assertThat(renamed.hunks().get(0).lines())
                .extracting(DiffLine::text)
                .as("removed/added lines that look like file headers stay lines")
                .containsExactly("-- a dashed line", "++ a plussed line");

        assertThat(files.get(2).binary()).isTrue();
        assertThat(files.get(2).status()).isEqualTo("added");
    }

    @Test
    void aGithubFilePatchAndTheNoNewlineMarker() {
        FileDiff f = UnifiedDiff.parsePatch(
                "README.md", "modified", "@@ -1,2 +1,2 @@\n title\n-old end\n\\ No newline at end of file\n+new end\n");

        assertThat(f.hunks().get(0).lines()).extracting(DiffLine::position).containsExactly(1, 2, 4);
        assertThat(f.commentable(2, "RIGHT").orElseThrow().text()).isEqualTo("new end");
        assertThat(UnifiedDiff.parsePatch("big.bin", "added", null).binary()).isTrue();
    }

    @Test
    void anExcerptShowsTheLinesAroundAFindingWithTheLineMarked() {
        FileDiff f = UnifiedDiff.parsePatch("A.java", "modified", "@@ -1,4 +1,4 @@\n a\n b\n-c\n+C\n d\n");

        assertThat(f.excerpt(3, "RIGHT", 1)).isEqualTo(" -c\n>+C\n  d\n");
        assertThat(f.excerpt(3, "LEFT", 0)).isEqualTo(">-c\n");
        assertThat(f.excerpt(40, "RIGHT", 3)).isEmpty();
    }

    @Test
    void aTruncatedHunkIsAnError() {
        assertThatThrownBy(() -> UnifiedDiff.parsePatch("x", "modified", "@@ -1,3 +1,3 @@\n a\n b\n"))
                .hasMessageContaining("ends early");
    }
}
