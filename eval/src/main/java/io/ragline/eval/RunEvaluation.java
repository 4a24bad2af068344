package io.ragline.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's metrics averaged over the judged queries. Every query with at least one relevant judgement counts, and one
 * the run has no results for scores zero (trec_eval's {@code -c}; BEIR runs every query, so the two agree).
 */
public final class RunEvaluation {

    /** The metric names {@link #evaluate} reports, e.g. {@code ndcg@10}. */
    public enum Metric {
        NDCG,
        RECALL,
        PRECISION,
        MRR;

        public String at(int k) {
            return name().toLowerCase() + "@" + k;
        }
    }

    /** One metric at one depth. */
    public record Measure(Metric metric, int k) {
        public String name() {
            return metric.at(k);
        }
    }

    private RunEvaluation() {}

    /**
     * Averages each measure over the queries in {@code qrels} that have a relevant document.
     *
     * @param run query id → ranked document ids (first is best)
     * @param qrels query id → (document id → grade)
     */
    public static Map<String, Double> evaluate(
            Map<String, List<String>> run, Map<String, Map<String, Integer>> qrels, List<Measure> measures) {
        Map<String, Double> sums = new LinkedHashMap<>();
        measures.forEach(m -> sums.put(m.name(), 0.0));
        int queries = 0;
        for (Map.Entry<String, Map<String, Integer>> judged : qrels.entrySet()) {
            if (judged.getValue().values().stream().noneMatch(g -> g > 0)) {
                continue;
            }
            queries++;
            List<String> ranked = run.getOrDefault(judged.getKey(), List.of());
            for (Measure m : measures) {
                sums.merge(m.name(), value(m, ranked, judged.getValue()), Double::sum);
            }
        }
        int n = queries;
        sums.replaceAll((name, sum) -> n == 0 ? 0 : sum / n);
        return sums;
    }

    /** One measure for one query. */
    public static double value(Measure m, List<String> ranked, Map<String, Integer> qrels) {
        return switch (m.metric()) {
            case NDCG -> RetrievalMetrics.ndcg(ranked, qrels, m.k());
            case RECALL -> RetrievalMetrics.recall(ranked, qrels, m.k());
            case PRECISION -> RetrievalMetrics.precision(ranked, qrels, m.k());
            case MRR -> RetrievalMetrics.reciprocalRank(ranked, qrels, m.k());
        };
    }
}
