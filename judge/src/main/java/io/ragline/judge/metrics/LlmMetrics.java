package io.ragline.judge.metrics;

import dev.langchain4j.model.embedding.EmbeddingModel;
import io.ragline.contracts.judgement.JudgementProduced.Score;
import io.ragline.judge.model.JudgeModel;
import io.ragline.model.ModelUnavailableException;
import java.util.ArrayList;
import java.util.List;

/**
 * The RAGAS metrics the judge model computes for one answer: faithfulness, answer relevancy, context precision
 * (against the reference answer when there is one, else {@code context_utilization} against the produced answer) and
 * context recall (only with a reference). A metric the model fails on is left out and named in {@code failures}; no
 * other score ever takes its name.
 */
public final class LlmMetrics {

    /** What was scored, by which model, at what cost, and which metrics could not be. */
    public record Scored(List<Score> scores, String model, int tokens, List<String> failures) {}

    /** The versions of the prompts these metrics use. */
    public static final List<String> PROMPT_VERSIONS = List.of(
            Faithfulness.PROMPT_VERSION,
            AnswerRelevancy.PROMPT_VERSION,
            ContextPrecision.PROMPT_VERSION,
            ContextRecall.PROMPT_VERSION);

    private LlmMetrics() {}

    /**
     * Scores an answer.
     *
     * @param contexts the retrieved passages in rank order
     * @param reference the reference answer, or null
     */
    public static Scored score(
            JudgeModel judge,
            EmbeddingModel embeddings,
            String question,
            String answer,
            List<String> contexts,
            String reference) {
        List<Score> scores = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        String[] model = {null};
        int[] tokens = {0};
        boolean hasReference = reference != null && !reference.isBlank();
        if (!contexts.isEmpty()) {
            attempt(Faithfulness.METRIC, failures, () -> {
                Faithfulness.Result r = Faithfulness.score(judge, question, answer, contexts);
                add(scores, Faithfulness.METRIC, r.value(), Faithfulness.PROMPT_VERSION);
                tally(model, tokens, r.model(), r.tokens());
            });
            String precision = hasReference ? ContextPrecision.METRIC : ContextPrecision.WITHOUT_REFERENCE;
            attempt(precision, failures, () -> {
                ContextPrecision.Result r =
                        ContextPrecision.score(judge, question, hasReference ? reference : answer, contexts);
                add(scores, precision, r.value(), ContextPrecision.PROMPT_VERSION);
                tally(model, tokens, r.model(), r.tokens());
            });
            if (hasReference) {
                attempt(ContextRecall.METRIC, failures, () -> {
                    ContextRecall.Result r = ContextRecall.score(judge, question, reference, contexts);
                    add(scores, ContextRecall.METRIC, r.value(), ContextRecall.PROMPT_VERSION);
                    tally(model, tokens, r.model(), r.tokens());
                });
            }
        }
        attempt(AnswerRelevancy.METRIC, failures, () -> {
            AnswerRelevancy.Result r = AnswerRelevancy.score(judge, embeddings, question, answer);
            add(scores, AnswerRelevancy.METRIC, r.value(), AnswerRelevancy.PROMPT_VERSION);
            tally(model, tokens, r.model(), r.tokens());
        });
        return new Scored(scores, model[0], tokens[0], failures);
    }

    private static void attempt(String metric, List<String> failures, Runnable scoring) {
        try {
            scoring.run();
        } catch (ModelUnavailableException e) {
            failures.add(metric + ": " + e.getMessage());
        }
    }

    private static void add(List<Score> scores, String metric, double value, String promptVersion) {
        if (!Double.isNaN(value)) {
            scores.add(new Score(metric, value, "llm", promptVersion));
        }
    }

    private static void tally(String[] model, int[] tokens, String answered, int spent) {
        if (answered != null) {
            model[0] = answered;
        }
        tokens[0] += spent;
    }
}
