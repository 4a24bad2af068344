package io.ragline.judge.metrics;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.CosineSimilarity;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The model-free support score ({@code embedding_support}): each sentence of the answer (citation markers removed) is
 * embedded and matched with its most similar retrieved passage; the score is the mean of those best cosine
 * similarities. It measures how close the answer stays to its sources. It is not RAGAS faithfulness (no claims are
 * extracted or verified) and is never reported under that name.
 */
public final class EmbeddingSupport {

    public static final String METRIC = "embedding_support";
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+(?=[\\p{Lu}\\p{N}\"'(\\[])|\\n+");
    private static final Pattern CITATION = Pattern.compile("\\s*\\[\\d+(?:\\s*,\\s*\\d+)*]");

    private EmbeddingSupport() {}

    public static List<String> sentences(String answer) {
        List<String> out = new ArrayList<>();
        for (String s : SENTENCE_END.split(CITATION.matcher(answer).replaceAll(""))) {
            String t = s.strip();
            if (t.chars().filter(Character::isLetterOrDigit).count() >= 3) {
                out.add(t);
            }
        }
        return out;
    }

    /** The score in [0, 1] (cosines below 0 count as 0); NaN when there is no sentence or no passage. */
    public static double score(EmbeddingModel model, String answer, List<String> contexts) {
        List<String> sentences = sentences(answer);
        if (sentences.isEmpty() || contexts.isEmpty()) {
            return Double.NaN;
        }
        List<Embedding> passages = new ArrayList<>();
        contexts.forEach(c -> passages.add(model.embed(c).content()));
        double sum = 0;
        for (String s : sentences) {
            Embedding e = model.embed(s).content();
            double best = 0;
            for (Embedding p : passages) {
                best = Math.max(best, CosineSimilarity.between(e, p));
            }
            sum += best;
        }
        return sum / sentences.size();
    }
}
