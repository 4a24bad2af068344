package io.ragline.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ragline.eval.RunEvaluation.Measure;
import io.ragline.eval.RunEvaluation.Metric;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hand-computed cases; the definitions follow trec_eval ({@code ndcg_cut}, {@code recall}, {@code P}). */
class RetrievalMetricsTest {

    private static final double EPS = 1e-9;

    /** Two relevant documents, found at ranks 2 and 4. */
    @Test
    void severalRelevantDocuments() {
        Map<String, Integer> qrels = Map.of("d1", 1, "d2", 1);
        List<String> ranked = RetrievalMetrics.rank(Map.of("d3", 0.9, "d1", 0.8, "d4", 0.7, "d2", 0.6));

        assertThat(ranked).containsExactly("d3", "d1", "d4", "d2");
        // DCG = 1/log2(3) + 1/log2(5); ideal = 1 + 1/log2(3)
        double expected = (1 / log2(3) + 1 / log2(5)) / (1 + 1 / log2(3));
        assertThat(RetrievalMetrics.ndcg(ranked, qrels, 10)).isCloseTo(expected, within(EPS));
        assertThat(expected).isCloseTo(0.6509209298, within(1e-9));
        assertThat(RetrievalMetrics.ndcg(ranked, qrels, 1)).isZero();
        assertThat(RetrievalMetrics.recall(ranked, qrels, 2)).isEqualTo(0.5);
        assertThat(RetrievalMetrics.recall(ranked, qrels, 10)).isEqualTo(1.0);
        assertThat(RetrievalMetrics.precision(ranked, qrels, 2)).isEqualTo(0.5);
        // P@10 divides by 10 although only four were retrieved
        assertThat(RetrievalMetrics.precision(ranked, qrels, 10)).isEqualTo(0.2);
        assertThat(RetrievalMetrics.reciprocalRank(ranked, qrels, 10)).isEqualTo(0.5);
        assertThat(RetrievalMetrics.reciprocalRank(ranked, qrels, 1)).isZero();
    }

    /** Equal scores: trec_eval orders them by document id, descending. */
    @Test
    void tiesAreBrokenByDocumentIdDescending() {
        Map<String, Double> run = new LinkedHashMap<>();
        run.put("d1", 0.5);
        run.put("d2", 0.5);
        run.put("d3", 0.5);
        List<String> ranked = RetrievalMetrics.rank(run);

        assertThat(ranked).containsExactly("d3", "d2", "d1");
        Map<String, Integer> qrels = Map.of("d1", 1);
        assertThat(RetrievalMetrics.ndcg(ranked, qrels, 10)).isCloseTo(1 / log2(4), within(EPS));
        assertThat(RetrievalMetrics.ndcg(ranked, qrels, 2)).isZero();
        assertThat(RetrievalMetrics.reciprocalRank(ranked, qrels, 10)).isCloseTo(1.0 / 3, within(EPS));
    }

    /** Graded relevance: the grade is the gain, and the ideal ranking puts the higher grade first. */
    @Test
    void gradedRelevance() {
        Map<String, Integer> qrels = Map.of("a", 2, "b", 1, "c", 0);
        List<String> ranked = List.of("b", "a", "c");

        // DCG = 1 + 2/log2(3); ideal = 2 + 1/log2(3)
        assertThat(RetrievalMetrics.ndcg(ranked, qrels, 10)).isCloseTo(0.8597186999, within(1e-9));
        // a grade of 0 is judged but not relevant
        assertThat(RetrievalMetrics.recall(ranked, qrels, 10)).isEqualTo(1.0);
        assertThat(RetrievalMetrics.precision(ranked, qrels, 3)).isCloseTo(2.0 / 3, within(EPS));
    }

    @Test
    void perfectAndEmptyRuns() {
        Map<String, Integer> qrels = Map.of("x", 1, "y", 1);
        assertThat(RetrievalMetrics.ndcg(List.of("y", "x", "z"), qrels, 10)).isEqualTo(1.0);
        assertThat(RetrievalMetrics.ndcg(List.of(), qrels, 10)).isZero();
        assertThat(RetrievalMetrics.recall(List.of(), qrels, 100)).isZero();
    }

    /** Averages count every judged query; one with no results scores zero; unjudged queries are left out. */
    @Test
    void runAveragesOverJudgedQueries() {
        Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
        qrels.put("q1", Map.of("a", 1));
        qrels.put("q2", Map.of("b", 1));
        qrels.put("q3", Map.of("c", 0)); // no relevant document: not averaged
        Map<String, List<String>> run = Map.of("q1", List.of("a"), "q3", List.of("c"), "q9", List.of("z"));

        Map<String, Double> means =
                RunEvaluation.evaluate(run, qrels, List.of(new Measure(Metric.NDCG, 10), new Measure(Metric.MRR, 10)));

        assertThat(means).containsEntry("ndcg@10", 0.5).containsEntry("mrr@10", 0.5);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
