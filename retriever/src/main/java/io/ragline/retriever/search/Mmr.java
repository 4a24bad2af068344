package io.ragline.retriever.search;

import java.util.ArrayList;
import java.util.List;

/**
 * Maximal marginal relevance (Carbonell and Goldstein, 1998): repeatedly takes the candidate maximising
 * {@code lambda * relevance - (1 - lambda) * max cosine similarity to those already taken}, so near-duplicate chunks
 * do not crowd out the rest. Relevance is the fused score min-max normalised over the pool.
 */
public final class Mmr {

    private Mmr() {}

    /**
     * @param relevance the pool's fused scores, best first
     * @param vectors the pool's unit-length embeddings, same order
     * @return indexes into the pool, in the chosen order
     */
    public static List<Integer> select(double[] relevance, float[][] vectors, int k, double lambda) {
        int n = relevance.length;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double r : relevance) {
            min = Math.min(min, r);
            max = Math.max(max, r);
        }
        double span = max - min;
        double[] maxSimilarity = new double[n];
        java.util.Arrays.fill(maxSimilarity, Double.NEGATIVE_INFINITY);
        boolean[] taken = new boolean[n];
        List<Integer> chosen = new ArrayList<>();
        while (chosen.size() < Math.min(k, n)) {
            int best = -1;
            double bestValue = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                if (taken[i]) {
                    continue;
                }
                double rel = span <= 0 ? 1 : (relevance[i] - min) / span;
                double redundancy = chosen.isEmpty() ? 0 : maxSimilarity[i];
                double value = lambda * rel - (1 - lambda) * redundancy;
                if (value > bestValue) {
                    bestValue = value;
                    best = i;
                }
            }
            taken[best] = true;
            chosen.add(best);
            for (int i = 0; i < n; i++) {
                if (!taken[i]) {
                    maxSimilarity[i] = Math.max(maxSimilarity[i], cosine(vectors[i], vectors[best]));
                }
            }
        }
        return chosen;
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }
}
