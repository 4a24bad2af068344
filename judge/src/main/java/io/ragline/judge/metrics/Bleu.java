package io.ragline.judge.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * BLEU as sacrebleu computes it by default: the {@code 13a} tokenizer (mteval-v13a), n-grams up to 4, the closest
 * reference length for the brevity penalty, {@code exp} smoothing; corpus BLEU over all sentences at once, sentence
 * BLEU with the effective order (as {@code sentence_bleu} does). Scores are 0-100, like sacrebleu's.
 */
public final class Bleu {

    /** The score and its parts, as sacrebleu prints them. */
    public record Result(double score, double[] precisions, double brevityPenalty, int hypLength, int refLength) {}

    private static final int ORDER = 4;
    private static final Pattern[] RULES = {
        Pattern.compile("([\\{-\\~\\[-\\` -\\&\\(-\\+\\:-\\@\\/])"),
        Pattern.compile("([^0-9])([\\.,])"),
        Pattern.compile("([\\.,])([^0-9])"),
        Pattern.compile("([0-9])(-)")
    };
    private static final String[] REPLACEMENTS = {" $1 ", "$1 $2 ", " $1 $2", "$1 $2 "};

    private Bleu() {}

    /** sacrebleu's {@code 13a} tokenizer. */
    public static String[] tokenize13a(String line) {
        String l = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
        if (l.contains("&")) {
            l = l.replace("&quot;", "\"")
                    .replace("&amp;", "&")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">");
        }
        l = " " + l + " ";
        for (int i = 0; i < RULES.length; i++) {
            l = RULES[i].matcher(l).replaceAll(REPLACEMENTS[i]);
        }
        String trimmed = l.strip();
        return trimmed.isEmpty() ? new String[0] : trimmed.split("\\s+");
    }

    /**
     * Corpus BLEU: {@code references.get(r).get(i)} is reference stream {@code r}'s reference for hypothesis {@code i}
     * (sacrebleu's layout).
     */
    public static Result corpus(List<String> hypotheses, List<List<String>> references) {
        return compute(hypotheses, references, false);
    }

    /** Sentence BLEU of one hypothesis against its references (effective order, {@code exp} smoothing). */
    public static Result sentence(String hypothesis, List<String> references) {
        return compute(List.of(hypothesis), references.stream().map(List::of).toList(), true);
    }

    private static Result compute(List<String> hyps, List<List<String>> refs, boolean effectiveOrder) {
        long[] correct = new long[ORDER];
        long[] total = new long[ORDER];
        int sysLen = 0;
        int refLen = 0;
        for (int i = 0; i < hyps.size(); i++) {
            String[] h = tokenize13a(hyps.get(i));
            sysLen += h.length;
            int closest = -1;
            Map<String, Integer> maxRef = new HashMap<>();
            for (List<String> stream : refs) {
                String[] r = tokenize13a(stream.get(i));
                if (closest < 0
                        || Math.abs(r.length - h.length) < Math.abs(closest - h.length)
                        || (Math.abs(r.length - h.length) == Math.abs(closest - h.length) && r.length < closest)) {
                    closest = r.length;
                }
                ngrams(r).forEach((g, c) -> maxRef.merge(g, c, Math::max));
            }
            refLen += closest;
            for (var e : ngrams(h).entrySet()) {
                int n = e.getKey().split(" ", -1).length;
                total[n - 1] += e.getValue();
                correct[n - 1] += Math.min(e.getValue(), maxRef.getOrDefault(e.getKey(), 0));
            }
        }
        double[] precisions = new double[ORDER];
        double smooth = 1;
        int eff = ORDER;
        for (int n = 1; n <= ORDER; n++) {
            if (total[n - 1] == 0) {
                break;
            }
            if (effectiveOrder) {
                eff = n;
            }
            if (correct[n - 1] == 0) {
                smooth *= 2;
                precisions[n - 1] = 100.0 / (smooth * total[n - 1]);
            } else {
                precisions[n - 1] = 100.0 * correct[n - 1] / total[n - 1];
            }
        }
        double bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - (double) refLen / sysLen) : 0) : 1;
        double logSum = 0;
        for (int n = 0; n < eff; n++) {
            logSum += precisions[n] == 0 ? -9999999999.0 : Math.log(precisions[n]);
        }
        return new Result(bp * Math.exp(logSum / eff), precisions, bp, sysLen, refLen);
    }

    /** Every n-gram of order 1-4 (tokens joined by a space) with its count. */
    private static Map<String, Integer> ngrams(String[] tokens) {
        Map<String, Integer> out = new HashMap<>();
        for (int n = 1; n <= ORDER; n++) {
            for (int i = 0; i + n <= tokens.length; i++) {
                out.merge(String.join(" ", java.util.Arrays.copyOfRange(tokens, i, i + n)), 1, Integer::sum);
            }
        }
        return out;
    }
}
