package io.ragline.retriever.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The content terms of a question or a passage, as the model-free paths (extractive answers, extractive research
 * briefs) compare them: lower-cased words without English stop words, a trailing plural {@code s} dropped from longer
 * words.
 */
public final class QueryTerms {

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
    private static final Set<String> STOP_WORDS = Set.of(
            "a",
            "an",
            "and",
            "are",
            "as",
            "at",
            "be",
            "by",
            "can",
            "did",
            "do",
            "does",
            "for",
            "from",
            "had",
            "has",
            "have",
            "how",
            "i",
            "in",
            "is",
            "it",
            "its",
            "me",
            "of",
            "on",
            "or",
            "our",
            "that",
            "the",
            "their",
            "there",
            "these",
            "this",
            "to",
            "was",
            "we",
            "were",
            "what",
            "when",
            "where",
            "which",
            "who",
            "whom",
            "why",
            "will",
            "with",
            "you",
            "your",
            "about",
            "into",
            "than",
            "then",
            "they",
            "them",
            "been",
            "would",
            "should",
            "could",
            "much",
            "many",
            "also",
            "not",
            "no",
            "so",
            "if",
            "tell",
            "explain",
            "describe",
            "please");

    private QueryTerms() {}

    /** Whether a lower-cased word is an English stop word. */
    public static boolean isStopWord(String word) {
        return STOP_WORDS.contains(word);
    }

    /** The text's content terms, in order, repeats kept. */
    public static List<String> terms(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            String w = m.group();
            if (STOP_WORDS.contains(w)) {
                continue;
            }
            if (w.length() > 4 && w.endsWith("s") && !w.endsWith("ss")) {
                w = w.substring(0, w.length() - 1);
            }
            out.add(w);
        }
        return out;
    }
}
