package io.ragline.retriever.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Combines the vector and keyword rankings of one query.
 *
 * <ul>
 *   <li>{@link #rrf reciprocal-rank fusion}: {@code sum over rankings of weight / (k + rank)}; needs no score scale.
 *   <li>{@link #convex convex combination}: both scores of every candidate, each min-max normalised to [0, 1] over the
 *       candidates, weighted and summed (on SciFact train it beats RRF: see docs/BENCHMARKS.md).
 * </ul>
 *
 * Ties are broken by chunk id so equal inputs always give the same order.
 */
public final class Fusion {

    /** One candidate of one ranking: higher score is better; rank is 1-based. */
    public record Scored(String chunkId, double score) {}

    /** A fused candidate with where it came from (rank 0: absent from that ranking). */
    public record Fused(
            String chunkId, double score, int vectorRank, double vectorScore, int keywordRank, double keywordScore) {}

    private Fusion() {}

    public static List<Fused> rrf(List<Scored> vector, List<Scored> keyword, int k, double wVector, double wKeyword) {
        Map<String, double[]> acc = collect(vector, keyword);
        return sorted(acc, v -> (v[0] > 0 ? wVector / (k + v[0]) : 0) + (v[2] > 0 ? wKeyword / (k + v[2]) : 0));
    }

    /**
     * Convex combination over the union of both rankings' candidates, each candidate scored on BOTH sides: a chunk only
     * one ranking found still has a cosine similarity and a BM25 score (0 when it contains no query term), taken from
     * {@code vectorScores} / {@code keywordScores}. Each side is min-max normalised, then weighted.
     *
     * <p>The normalisation range is taken over the candidates within the first {@code anchorDepth} of either ranking,
     * not over all of them: asked for more results, the search draws more candidates, and a range over all of them
     * would stretch with the request's {@code topK}, weighing the two sides of the same candidates differently for a
     * caller asking for 10 and one asking for 100. Deeper candidates are scored against the same range (below 0 if
     * they score below its minimum).
     */
    public static List<Fused> convex(
            List<Scored> vector,
            List<Scored> keyword,
            Map<String, Double> vectorScores,
            Map<String, Double> keywordScores,
            double wVector,
            double wKeyword,
            int anchorDepth) {
        Map<String, double[]> acc = collect(vector, keyword);
        acc.forEach((id, v) -> {
            v[1] = vectorScores.getOrDefault(id, v[1]);
            v[3] = keywordScores.getOrDefault(id, v[3]);
        });
        double[] vr = range(acc, 1, anchorDepth);
        double[] kr = range(acc, 3, anchorDepth);
        return sorted(acc, v -> wVector * normalise(v[1], vr) + wKeyword * normalise(v[3], kr));
    }

    /** The single ranking of one mode, in the same shape as a fused one. */
    public static List<Fused> single(List<Scored> ranking, boolean isVector) {
        List<Fused> out = new ArrayList<>(ranking.size());
        for (int i = 0; i < ranking.size(); i++) {
            Scored s = ranking.get(i);
            out.add(
                    isVector
                            ? new Fused(s.chunkId(), s.score(), i + 1, s.score(), 0, 0)
                            : new Fused(s.chunkId(), s.score(), 0, 0, i + 1, s.score()));
        }
        return out;
    }

    /** chunk id → {vectorRank, vectorScore, keywordRank, keywordScore}, ranks 1-based in the given order. */
    private static Map<String, double[]> collect(List<Scored> vector, List<Scored> keyword) {
        Map<String, double[]> acc = new HashMap<>();
        for (int i = 0; i < vector.size(); i++) {
            double[] v = acc.computeIfAbsent(vector.get(i).chunkId(), id -> new double[4]);
            v[0] = i + 1;
            v[1] = vector.get(i).score();
        }
        for (int i = 0; i < keyword.size(); i++) {
            double[] v = acc.computeIfAbsent(keyword.get(i).chunkId(), id -> new double[4]);
            v[2] = i + 1;
            v[3] = keyword.get(i).score();
        }
        return acc;
    }

    private interface Score {
        double of(double[] v);
    }

    private static List<Fused> sorted(Map<String, double[]> acc, Score score) {
        List<Fused> out = new ArrayList<>(acc.size());
        acc.forEach((id, v) -> out.add(new Fused(id, score.of(v), (int) v[0], v[1], (int) v[2], v[3])));
        out.sort(Comparator.comparingDouble(Fused::score).reversed().thenComparing(Fused::chunkId));
        return out;
    }

    /** min and max of one score column over the candidates ranked within {@code depth} on either side. */
    private static double[] range(Map<String, double[]> acc, int column, int depth) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double[] v : acc.values()) {
            boolean anchored = (v[0] > 0 && v[0] <= depth) || (v[2] > 0 && v[2] <= depth);
            if (!anchored) {
                continue;
            }
            min = Math.min(min, v[column]);
            max = Math.max(max, v[column]);
        }
        return new double[] {min, max};
    }

    private static double normalise(double score, double[] range) {
        double span = range[1] - range[0];
        if (!(span > 0)) {
            return score >= range[1] ? 1.0 : 0.0;
        }
        return (score - range[0]) / span;
    }
}
