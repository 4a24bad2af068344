package io.ragline.judge.metrics;

import io.ragline.judge.model.JudgeModel;
import io.ragline.judge.model.MetricPrompts;
import io.ragline.model.Prompts;
import java.util.List;

/**
 * RAGAS faithfulness with the judge model: the answer is broken into statements, each statement is checked against
 * the retrieved context, and the score is the share of statements the context supports (prompts in
 * {@link MetricPrompts}). Needs a model server; without one the judge reports
 * {@link EmbeddingSupport} instead, under its own name.
 */
public final class Faithfulness {

    public static final String METRIC = "faithfulness";
    public static final String PROMPT_VERSION = "faithfulness.v1";

    /** The score with its evidence. */
    public record Result(double value, List<String> statements, List<Integer> verdicts, int tokens, String model) {}

    private Faithfulness() {}

    /** The score; NaN when the answer makes no statement. */
    public static Result score(JudgeModel judge, String question, String answer, List<String> contexts) {
        JudgeModel.Calls calls = new JudgeModel.Calls(judge);
        List<String> statements = Prompts.nonBlank(
                calls.ask((ai, call) -> ai.statements(call, question, answer)).statements());
        if (statements.isEmpty()) {
            return new Result(Double.NaN, statements, List.of(), calls.tokens(), calls.model());
        }
        String context = Texts.passages(contexts);
        List<Integer> verdicts = Texts.verdicts(
                calls.ask((ai, call) ->
                                ai.statementVerdicts(call, context, Prompts.numbered(statements), statements.size()))
                        .verdicts(),
                MetricPrompts.Verdict::verdict);
        double supported = verdicts.stream().mapToInt(Integer::intValue).sum();
        return new Result(supported / statements.size(), statements, verdicts, calls.tokens(), calls.model());
    }
}
