package io.ragline.judge.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ROUGE-1, ROUGE-2 and ROUGE-L as Google's {@code rouge-score} package computes them with its defaults (no stemming):
 * text lower-cased, every run of characters other than {@code a-z0-9} a separator; ROUGE-N from clipped n-gram
 * overlap, ROUGE-L from the longest common subsequence of tokens; precision against the prediction, recall against
 * the target, F-measure their harmonic mean.
 */
public final class Rouge {

    /** Precision, recall and F-measure. */
    public record Score(double precision, double recall, double fmeasure) {

        static Score of(int overlap, int predicted, int target) {
            double p = predicted == 0 ? 0 : (double) overlap / predicted;
            double r = target == 0 ? 0 : (double) overlap / target;
            return new Score(p, r, p + r == 0 ? 0 : 2 * p * r / (p + r));
        }
    }

    private Rouge() {}

    public static List<String> tokens(String text) {
        String t = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", " ");
        List<String> out = new ArrayList<>();
        for (String s : t.split("\\s+")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /** ROUGE-N of {@code prediction} against {@code target}. */
    public static Score n(int n, String target, String prediction) {
        Map<String, Integer> t = ngrams(tokens(target), n);
        Map<String, Integer> p = ngrams(tokens(prediction), n);
        int overlap = 0;
        for (var e : p.entrySet()) {
            overlap += Math.min(e.getValue(), t.getOrDefault(e.getKey(), 0));
        }
        return Score.of(overlap, total(p), total(t));
    }

    /** ROUGE-L (sentence level: one LCS over all tokens). */
    public static Score l(String target, String prediction) {
        List<String> t = tokens(target);
        List<String> p = tokens(prediction);
        int[][] lcs = new int[t.size() + 1][p.size() + 1];
        for (int i = 1; i <= t.size(); i++) {
            for (int j = 1; j <= p.size(); j++) {
                lcs[i][j] = t.get(i - 1).equals(p.get(j - 1))
                        ? lcs[i - 1][j - 1] + 1
                        : Math.max(lcs[i - 1][j], lcs[i][j - 1]);
            }
        }
        return Score.of(lcs[t.size()][p.size()], p.size(), t.size());
    }

    private static Map<String, Integer> ngrams(List<String> tokens, int n) {
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) {
            out.merge(String.join(" ", tokens.subList(i, i + n)), 1, Integer::sum);
        }
        return out;
    }

    private static int total(Map<String, Integer> grams) {
        return grams.values().stream().mapToInt(Integer::intValue).sum();
    }
}
