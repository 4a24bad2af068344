package io.ragline.judge.metrics;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.CosineSimilarity;
import io.ragline.judge.model.JudgeModel;
import io.ragline.judge.model.MetricPrompts;
import io.ragline.model.Prompts;
import java.util.List;

/**
 * RAGAS answer (response) relevancy: the judge model writes the questions the answer answers (RAGAS's default
 * strictness, 3) and says whether the answer is noncommittal; the score is the mean cosine similarity between the
 * embedding of the asked question and the embeddings of the written ones, times 0 when the answer is noncommittal
 * ({@code mean(cos) * int(not committal)} in RAGAS's {@code _answer_relevance.py}). RAGAS draws the questions in
 * separate generations; here one call asks for three different questions, which is the same definition at a third of
 * the calls with a deterministic (temperature 0) judge.
 */
public final class AnswerRelevancy {

    public static final String METRIC = "answer_relevancy";
    public static final String PROMPT_VERSION = "answer-relevancy.v1";
    public static final int QUESTIONS = 3;

    /** The score with its evidence. */
    public record Result(double value, List<String> questions, boolean noncommittal, int tokens, String model) {}

    private AnswerRelevancy() {}

    /** The score; NaN when the model wrote no question. */
    public static Result score(JudgeModel judge, EmbeddingModel embeddings, String question, String answer) {
        JudgeModel.Calls calls = new JudgeModel.Calls(judge);
        MetricPrompts.Questions written = calls.ask((ai, call) -> ai.questions(call, answer));
        List<String> questions = Prompts.nonBlank(written.questions());
        boolean noncommittal = written.noncommittal() == 1;
        if (questions.isEmpty()) {
            return new Result(Double.NaN, questions, noncommittal, calls.tokens(), calls.model());
        }
        return new Result(
                meanCosine(embeddings, question, questions) * (noncommittal ? 0 : 1),
                questions,
                noncommittal,
                calls.tokens(),
                calls.model());
    }

    /** Mean cosine similarity between the question and each generated question. */
    static double meanCosine(EmbeddingModel embeddings, String question, List<String> generated) {
        Embedding asked = embeddings.embed(question).content();
        List<Embedding> written = embeddings
                .embedAll(generated.stream().map(TextSegment::from).toList())
                .content();
        return written.stream()
                .mapToDouble(e -> CosineSimilarity.between(asked, e))
                .average()
                .orElse(Double.NaN);
    }
}
