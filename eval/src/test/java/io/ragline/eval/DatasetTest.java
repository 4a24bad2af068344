package io.ragline.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetTest {

    private static final Path SHARED = Path.of(System.getProperty("ragline.shared.data", "../../shared/data"));

    @Test
    void readsABeirFolder(@TempDir Path dir) throws IOException {
        Files.writeString(
                dir.resolve("corpus.jsonl"),
                "{\"_id\":\"d1\",\"title\":\"T1\",\"text\":\"one\"}\n{\"_id\":\"d2\",\"text\":\"two\"}\n");
        Files.writeString(
                dir.resolve("queries.jsonl"),
                "{\"_id\":\"q1\",\"text\":\"first?\"}\n{\"_id\":\"q2\",\"text\":\"x\"}\n");
        Files.createDirectories(dir.resolve("qrels"));
        Files.writeString(dir.resolve("qrels/test.tsv"), "query-id\tcorpus-id\tscore\nq1\td2\t1\nq1\td1\t2\n");

        Dataset d = Dataset.beir(dir, "test", null, null);

        assertThat(d.corpus()).containsExactly(new Dataset.Doc("d1", "T1", "one"), new Dataset.Doc("d2", "", "two"));
        assertThat(d.qrels()).containsOnlyKeys("q1");
        assertThat(d.qrels().get("q1")).containsEntry("d1", 2).containsEntry("d2", 1);
        assertThat(d.judgedQueries()).containsOnlyKeys("q1");
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) {
        assertThatThrownBy(() -> Dataset.beir(dir, "train", null, null))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("corpus.jsonl");
    }

    @Test
    void aBrokenQrelsLineIsNamed(@TempDir Path dir) throws IOException {
        Path qrels = dir.resolve("q.tsv");
        Files.writeString(qrels, "q1 d1 1\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Dataset.readQrels(qrels)).hasMessageContaining("q.tsv:1");
    }

    @Test
    void readsSciFactTrain() throws IOException {
        Path scifact = SHARED.resolve("scifact");
        assumeTrue(Files.isDirectory(scifact), "../shared/data/scifact is absent");

        Dataset d = Dataset.beir(scifact, "train", null, null);

        assertThat(d.corpus()).hasSize(5183);
        assertThat(d.judgedQueries()).hasSize(809);
    }

    @Test
    void readsXquadAsQuestionToPassage() throws IOException {
        Path xquad = SHARED.resolve("xquad-en");
        assumeTrue(Files.isDirectory(xquad), "../shared/data/xquad-en is absent");

        Dataset d = Dataset.squad(xquad);

        assertThat(d.corpus()).isNotEmpty();
        assertThat(d.queries()).hasSameSizeAs(d.qrels());
        var ids = d.corpus().stream().map(Dataset.Doc::id).toList();
        assertThat(d.qrels().values()).allSatisfy(j -> assertThat(ids).containsAll(j.keySet()));
    }

    @Test
    void readsXquadQuestionsWithTheirAnswers() throws IOException {
        Path qa = SHARED.resolve("xquad-en/qa.dev.jsonl");
        assumeTrue(Files.isRegularFile(qa), "../shared/data/xquad-en is absent");

        var questions = Dataset.squadQuestions(qa);

        assertThat(questions).hasSize(632);
        assertThat(questions.get(0).text()).isEqualTo("How many points did the Panthers defense surrender?");
        assertThat(questions.get(0).answers()).containsExactly("308");
        assertThat(questions.get(0).relevantIds()).containsExactly("Super_Bowl_50#0");
    }
}
