package io.ragline.judge.metrics;

import io.ragline.judge.model.JudgeModel;
import io.ragline.judge.model.MetricPrompts;
import java.util.List;

/**
 * RAGAS context recall ({@code LLMContextRecall}): the reference answer is broken into statements and the judge model
 * classifies each as attributable to the retrieved context or not; the score is the attributed share. Needs a
 * reference answer.
 */
public final class ContextRecall {

    public static final String METRIC = "context_recall";
    public static final String PROMPT_VERSION = "context-recall.v1";

    /** The score with its evidence. */
    public record Result(double value, List<String> statements, List<Integer> attributed, int tokens, String model) {}

    private ContextRecall() {}

    /** The score; NaN when the reference makes no statement. */
    public static Result score(JudgeModel judge, String question, String reference, List<String> contexts) {
        JudgeModel.Calls calls = new JudgeModel.Calls(judge);
        List<MetricPrompts.Classification> classifications = calls.ask(
                        (ai, call) -> ai.classifications(call, question, Texts.passages(contexts), reference))
                .classifications();
        List<String> statements = new java.util.ArrayList<>();
        classifications.forEach(c -> statements.add(c == null || c.statement() == null ? "" : c.statement()));
        List<Integer> attributed = Texts.verdicts(classifications, MetricPrompts.Classification::attributed);
        double value = attributed.isEmpty()
                ? Double.NaN
                : attributed.stream().mapToInt(Integer::intValue).sum() / (double) attributed.size();
        return new Result(value, statements, attributed, calls.tokens(), calls.model());
    }
}
