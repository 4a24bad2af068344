package io.ragline.gateway.chat;

import io.ragline.retriever.client.QueryTerms;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The answer without a model: the sentences of the retrieved passages that best support the question, each cited.
 * A sentence scores by how much of the question's weight (terms weighted by inverse sentence frequency across the
 * passages) it covers, plus its passage's similarity to the question; the best few above half the top score are
 * returned, best first.
 */
final class ExtractiveAnswerer {

    /** One chosen sentence and the source it came from. */
    record Sentence(String text, int source, double score) {}

    private static final Pattern SENTENCE_END =
            Pattern.compile("(?<=[.!?])\\s+(?=[\\p{Lu}\\p{N}\"'(\\[])|\\n\\s*\\n|\\n(?=\\s*[-*#\\d])");
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

    private ExtractiveAnswerer() {}

    static List<Sentence> select(String question, List<Passage> passages, int max) {
        Set<String> query = new HashSet<>(terms(question));
        if (passages.isEmpty()) {
            return List.of();
        }
        List<Sentence> candidates = new ArrayList<>();
        List<Set<String>> candidateTerms = new ArrayList<>();
        for (Passage p : passages) {
            for (String s : sentences(p.text())) {
                candidates.add(new Sentence(s, p.n(), 0));
                candidateTerms.add(new HashSet<>(terms(s)));
            }
        }
        Map<String, Double> idf = new HashMap<>();
        for (String q : query) {
            long df = candidateTerms.stream().filter(t -> t.contains(q)).count();
            idf.put(q, Math.log(1 + (candidates.size() + 1.0) / (df + 0.5)));
        }
        double total = idf.values().stream().mapToDouble(Double::doubleValue).sum();
        double bestSimilarity =
                passages.stream().mapToDouble(p -> p.hit().vectorScore()).max().orElse(1);
        List<Sentence> scored = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            Sentence c = candidates.get(i);
            Set<String> t = candidateTerms.get(i);
            double covered = 0;
            for (String q : query) {
                if (t.contains(q)) {
                    covered += idf.get(q);
                }
            }
            double coverage = total == 0 ? 0 : covered / total;
            Passage p = passages.get(c.source() - 1);
            double similarity = bestSimilarity <= 0 ? 0 : p.hit().vectorScore() / bestSimilarity;
            double length = t.size() < 4 ? 0.5 : t.size() > 60 ? 0.8 : 1.0;
            scored.add(new Sentence(c.text(), c.source(), (coverage + 0.35 * similarity) * length));
        }
        scored.sort(Comparator.comparingDouble(Sentence::score).reversed());
        List<Sentence> chosen = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        double floor = scored.get(0).score() / 2;
        for (Sentence s : scored) {
            if (chosen.size() >= max || s.score() < floor) {
                break;
            }
            if (seen.add(s.text().toLowerCase(Locale.ROOT))) {
                chosen.add(s);
            }
        }
        return chosen;
    }

    /** The chosen sentences as one answer text, each followed by its citation. */
    static String answer(List<Sentence> sentences) {
        StringBuilder out = new StringBuilder();
        for (Sentence s : sentences) {
            if (!out.isEmpty()) {
                out.append(' ');
            }
            String text = s.text();
            boolean closed = text.endsWith(".") || text.endsWith("!") || text.endsWith("?");
            out.append(closed ? text.substring(0, text.length() - 1) : text)
                    .append(" [")
                    .append(s.source())
                    .append(']')
                    .append(closed ? text.charAt(text.length() - 1) : '.');
        }
        return out.toString();
    }

    static List<String> sentences(String text) {
        List<String> out = new ArrayList<>();
        for (String s : SENTENCE_END.split(text == null ? "" : text)) {
            String t = s.replaceAll("\\s+", " ").strip();
            if (!t.isEmpty() && WORD.matcher(t).find()) {
                out.add(t);
            }
        }
        return out;
    }

    static List<String> terms(String text) {
        return QueryTerms.terms(text);
    }
}
