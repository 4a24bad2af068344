package io.ragline.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The batched model gives the vectors LangChain4j's default object gives, for texts of very different lengths. */
class BgeOnnxEmbeddingModelTest {

    private static BgeOnnxEmbeddingModel batched;

    @BeforeAll
    static void load() {
        batched = new BgeOnnxEmbeddingModel(2);
    }

    @AfterAll
    static void close() {
        batched.close();
    }

    @Test
    void vectorsMatchTheDefaultModelObject() {
        List<TextSegment> texts = List.of(
                TextSegment.from("Short."),
                TextSegment.from("Trains are preferred over planes for trips under five hours. ".repeat(12)),
                TextSegment.from("Error QX-7731 means an upload exceeded the workspace storage quota."),
                TextSegment.from("Über die Brücke: naïve café, 東京, emoji 🚆 and numbers 3.14159."),
                TextSegment.from("A medium length sentence about retrieval augmented generation and vectors."));
        List<Embedding> expected =
                new BgeSmallEnV15QuantizedEmbeddingModel().embedAll(texts).content();

        List<Embedding> actual = batched.embedAll(texts).content();

        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(cosine(actual.get(i).vector(), expected.get(i).vector()))
                    .as("text %d", i)
                    .isGreaterThan(0.9999);
            assertThat(norm(actual.get(i).vector())).isBetween(0.999, 1.001);
        }
        // not all alike: the check above would not pass by accident
        assertThat(cosine(actual.get(0).vector(), actual.get(1).vector())).isLessThan(0.9);
    }

    @Test
    void anEmptyBatchIsEmptyAndOrderIsKept() {
        assertThat(batched.embedAll(List.of()).content()).isEmpty();
        List<TextSegment> texts =
                List.of(TextSegment.from("alpha"), TextSegment.from("beta"), TextSegment.from("gamma"));
        List<Embedding> all = batched.embedAll(texts).content();
        for (int i = 0; i < texts.size(); i++) {
            float[] one = batched.embed(texts.get(i)).content().vector();
            assertThat(cosine(all.get(i).vector(), one)).isGreaterThan(0.9999);
        }
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot / (norm(a) * norm(b));
    }

    private static double norm(float[] a) {
        double s = 0;
        for (float x : a) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
