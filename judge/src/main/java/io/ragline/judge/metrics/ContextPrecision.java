package io.ragline.judge.metrics;

import io.ragline.judge.model.JudgeModel;
import io.ragline.judge.model.MetricPrompts;
import java.util.List;

/**
 * RAGAS context precision: the judge model says of each retrieved passage, in rank order, whether it was useful in
 * arriving at the answer; the score is the average precision of those verdicts,
 * {@code sum_k(precision@k * v_k) / (sum_k v_k + 1e-10)}, as RAGAS computes it (its epsilon included, so one useful
 * passage scores 0.9999999999 as in RAGAS's documentation). Judged against the reference answer it is RAGAS's
 * {@code LLMContextPrecisionWithReference} ({@value #METRIC}); judged against the produced answer, when there is no
 * reference, it is {@code LLMContextPrecisionWithoutReference}, which RAGAS names {@value #WITHOUT_REFERENCE}.
 */
public final class ContextPrecision {

    public static final String METRIC = "context_precision";
    public static final String WITHOUT_REFERENCE = "context_utilization";
    public static final String PROMPT_VERSION = "context-precision.v1";

    /** The score with its evidence. */
    public record Result(double value, List<Integer> verdicts, int tokens, String model) {}

    private ContextPrecision() {}

    /**
     * The score of the passages (in rank order) against an answer: the reference answer, or the produced one for
     * {@value #WITHOUT_REFERENCE}. NaN without passages.
     */
    public static Result score(JudgeModel judge, String question, String answer, List<String> contexts) {
        if (contexts.isEmpty()) {
            return new Result(Double.NaN, List.of(), 0, null);
        }
        JudgeModel.Calls calls = new JudgeModel.Calls(judge);
        StringBuilder passages = new StringBuilder();
        for (int i = 0; i < contexts.size(); i++) {
            passages.append("<passage n=\"")
                    .append(i + 1)
                    .append("\">")
                    .append(contexts.get(i))
                    .append("</passage>\n");
        }
        List<Integer> verdicts = Texts.verdicts(
                calls.ask((ai, call) ->
                                ai.passageVerdicts(call, question, answer, passages.toString(), contexts.size()))
                        .verdicts(),
                MetricPrompts.Verdict::verdict);
        return new Result(averagePrecision(verdicts), verdicts, calls.tokens(), calls.model());
    }

    /** RAGAS's average precision of rank-ordered 0/1 verdicts. */
    public static double averagePrecision(List<Integer> verdicts) {
        double numerator = 0;
        int useful = 0;
        for (int k = 0; k < verdicts.size(); k++) {
            useful += verdicts.get(k);
            numerator += useful / (double) (k + 1) * verdicts.get(k);
        }
        return numerator / (useful + 1e-10);
    }
}
