package io.ragline.agents.review.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The 134 real Defects4J bug diffs in ../shared/data/defects4j parse, count and map to positions correctly. */
class Defects4jDiffTest {

    static final Path DATA = Path.of("../../shared/data/defects4j");

    static List<JsonNode> bugs() throws IOException {
        assumeTrue(Files.isRegularFile(DATA.resolve("index.jsonl")), "../shared/data/defects4j is absent");
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(DATA.resolve("index.jsonl"))) {
            if (!line.isBlank()) {
                out.add(json.readTree(line));
            }
        }
        return out;
    }

    @Test
    void everyPatchParsesWithTheRecordedFilesAndLineCounts() throws IOException {
        List<JsonNode> bugs = bugs();
        assertThat(bugs).hasSize(134);
        for (JsonNode bug : bugs) {
            String id = bug.path("project").asText() + "-" + bug.path("bug_id").asInt();
            List<FileDiff> src = UnifiedDiff.parse(
                    Files.readString(DATA.resolve(bug.path("src_patch").asText())));
            List<String> files = new ArrayList<>();
            bug.path("files").forEach(f -> files.add(f.asText()));
            assertThat(src).as(id).extracting(FileDiff::path).containsExactlyInAnyOrderElementsOf(files);
            assertThat(src.stream().mapToLong(FileDiff::added).sum())
                    .as(id + " lines added")
                    .isEqualTo(bug.path("lines_plus").asLong());
            assertThat(src.stream().mapToLong(FileDiff::removed).sum())
                    .as(id + " lines removed")
                    .isEqualTo(bug.path("lines_minus").asLong());
            UnifiedDiff.parse(
                    Files.readString(DATA.resolve(bug.path("test_patch").asText())));
        }
    }

    @Test
    void positionsCountEveryLineBelowTheFirstHunkHeader() throws IOException {
        for (JsonNode bug : bugs()) {
            String text = Files.readString(DATA.resolve(bug.path("src_patch").asText()));
            for (FileDiff f : UnifiedDiff.parse(text)) {
                // recount independently: lines of this file's section after its first "@@", every one a position
                String section = text.substring(text.indexOf("diff --git a/" + f.oldPath()));
                int next = section.indexOf("\ndiff --git ", 1);
                if (next > 0) {
                    section = section.substring(0, next + 1);
                }
                String[] lines = section.substring(section.indexOf("\n@@") + 1).split("\n");
                List<DiffLine> all = new ArrayList<>();
                f.hunks().forEach(h -> all.addAll(h.lines()));
                int headers = f.hunks().size() - 1;
                assertThat(all.get(all.size() - 1).position())
                        .as("%s %s", bug.path("bug_id"), f.path())
                        .isEqualTo(lines.length - 1);
                assertThat(all.size() + headers).isLessThanOrEqualTo(lines.length - 1);
                for (Hunk h : f.hunks()) {
                    long context =
                            h.lines().stream().filter(l -> l.kind() == ' ').count();
                    assertThat(context + h.removed()).isEqualTo(h.oldCount());
                    assertThat(context + h.added()).isEqualTo(h.newCount());
                }
            }
        }
    }
}
