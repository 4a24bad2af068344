package io.ragline.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Ranked-retrieval metrics with trec_eval's definitions (as pytrec_eval and BEIR compute them), for one query.
 *
 * <p>Ranking: documents by score, highest first; equal scores are ordered by document id, descending (trec_eval's
 * tie-break), so a run's order never depends on how it was stored. Relevance: a judged grade &gt; 0 is relevant; nDCG
 * uses the grade as the gain and {@code log2(rank + 1)} as the discount, with the ideal ranking built from every
 * judged document, cut at the same depth. Recall@k divides by every relevant document of the query; precision@k by k
 * even when fewer were retrieved. The one shared implementation: the retriever's evaluation and the judge both use it.
 */
public final class RetrievalMetrics {

    private RetrievalMetrics() {}

    /** The document ids of a scored run in trec_eval order. */
    public static List<String> rank(Map<String, Double> scores) {
        List<Map.Entry<String, Double>> entries = new ArrayList<>(scores.entrySet());
        entries.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())));
        return entries.stream().map(Map.Entry::getKey).toList();
    }

    /** Normalised discounted cumulative gain over the first {@code k} ranked documents ({@code ndcg_cut_k}). */
    public static double ndcg(List<String> ranked, Map<String, Integer> qrels, int k) {
        double dcg = 0;
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            int gain = qrels.getOrDefault(ranked.get(i), 0);
            if (gain > 0) {
                dcg += gain / log2(i + 2);
            }
        }
        List<Integer> ideal = qrels.values().stream()
                .filter(g -> g > 0)
                .sorted(Comparator.reverseOrder())
                .toList();
        double idcg = 0;
        for (int i = 0; i < Math.min(k, ideal.size()); i++) {
            idcg += ideal.get(i) / log2(i + 2);
        }
        return idcg == 0 ? 0 : dcg / idcg;
    }

    /** Relevant documents among the first {@code k}, over all relevant documents of the query ({@code recall_k}). */
    public static double recall(List<String> ranked, Map<String, Integer> qrels, int k) {
        long relevant = qrels.values().stream().filter(g -> g > 0).count();
        return relevant == 0 ? 0 : (double) relevantIn(ranked, qrels, k) / relevant;
    }

    /** Relevant documents among the first {@code k}, over {@code k} ({@code P_k}). */
    public static double precision(List<String> ranked, Map<String, Integer> qrels, int k) {
        return (double) relevantIn(ranked, qrels, k) / k;
    }

    /** The reciprocal rank of the first relevant document within the first {@code k}, else 0 (BEIR's MRR@k). */
    public static double reciprocalRank(List<String> ranked, Map<String, Integer> qrels, int k) {
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            if (qrels.getOrDefault(ranked.get(i), 0) > 0) {
                return 1.0 / (i + 1);
            }
        }
        return 0;
    }

    private static int relevantIn(List<String> ranked, Map<String, Integer> qrels, int k) {
        int found = 0;
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            if (qrels.getOrDefault(ranked.get(i), 0) > 0) {
                found++;
            }
        }
        return found;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
