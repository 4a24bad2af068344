package io.ragline.agents.research;

import io.ragline.retriever.client.QueryTerms;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Without a model: sub-queries from a question's key phrases (runs of words between stop words), the best sentence of
 * a passage for a query (most query terms), both plain term statistics.
 */
final class KeyPhrases {

    /** Words that end a key phrase besides the stop words: quantifiers and the verbs of asking. */
    private static final Set<String> BREAKS = Set.of(
            "all", "any", "each", "more", "most", "other", "some", "such", "vs", "versus", "compare", "us", "my",
            "between", "has", "have");

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}'+#.-]*");
    private static final Pattern SENTENCE = Pattern.compile("(?<=[.!?])\\s+(?=[\\p{Lu}\\p{N}\"'(])|\\n+");

    private KeyPhrases() {}

    /** The question's key phrases, longest first, at most {@code max}. */
    static List<String> phrases(String question, int max) {
        List<String> runs = new ArrayList<>();
        List<String> run = new ArrayList<>();
        var m = WORD.matcher(question);
        while (m.find()) {
            String w = m.group().replaceAll("[.]+$", "");
            String lower = w.toLowerCase(Locale.ROOT);
            if (QueryTerms.isStopWord(lower) || BREAKS.contains(lower)) {
                flush(run, runs);
            } else {
                run.add(w);
            }
        }
        flush(run, runs);
        Set<String> unique = new LinkedHashSet<>();
        runs.stream()
                .sorted((a, b) -> Integer.compare(b.split(" ").length, a.split(" ").length))
                .forEach(unique::add);
        return unique.stream().limit(max).toList();
    }

    private static void flush(List<String> run, List<String> runs) {
        if (!run.isEmpty()) {
            runs.add(String.join(" ", run));
            run.clear();
        }
    }

    /** Lower-cased content terms of a text. */
    static Set<String> terms(String text) {
        return new LinkedHashSet<>(QueryTerms.terms(text));
    }

    /** The passage's sentence sharing most terms with the query (the first on ties); the passage if it has none. */
    static String bestSentence(String passage, String query) {
        Set<String> wanted = terms(query);
        String best = null;
        int bestScore = -1;
        for (String s : SENTENCE.split(passage)) {
            String t = s.strip();
            if (t.length() < 20) {
                continue;
            }
            Set<String> have = terms(t);
            have.retainAll(wanted);
            if (have.size() > bestScore) {
                best = t;
                bestScore = have.size();
            }
        }
        return best == null ? passage.strip() : best;
    }
}
