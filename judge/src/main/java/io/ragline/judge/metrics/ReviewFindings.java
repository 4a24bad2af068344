package io.ragline.judge.metrics;

import io.ragline.contracts.review.ReviewCompleted;
import io.ragline.judge.model.JudgeModel;
import io.ragline.judge.model.MetricPrompts;
import java.util.ArrayList;
import java.util.List;

/**
 * The judge model's verdict on a posted review's model findings, each read with the diff lines it is about:
 * {@value #PRECISION} is the share it finds valid (the problem is real in the code shown), {@value #ACTIONABILITY} the
 * share specific enough to act on. Findings are judged in batches of {@value #BATCH}; findings without an excerpt (events
 * written before excerpts existed) are left out.
 */
public final class ReviewFindings {

    public static final String PRECISION = "finding_precision";
    public static final String ACTIONABILITY = "finding_actionability";
    public static final String PROMPT_VERSION = "review-findings.v1";
    static final int BATCH = 10;

    /** The scores with the verdicts per judged finding; NaN when no finding could be judged. */
    public record Result(
            double precision,
            double actionability,
            List<Integer> valid,
            List<Integer> actionable,
            int tokens,
            String model) {}

    private ReviewFindings() {}

    public static Result score(JudgeModel judge, String repository, List<ReviewCompleted.Finding> findings) {
        List<ReviewCompleted.Finding> judged = findings.stream()
                .filter(f -> f.excerpt() != null && !f.excerpt().isBlank())
                .toList();
        JudgeModel.Calls calls = new JudgeModel.Calls(judge);
        List<Integer> valid = new ArrayList<>();
        List<Integer> actionable = new ArrayList<>();
        for (int from = 0; from < judged.size(); from += BATCH) {
            List<ReviewCompleted.Finding> batch = judged.subList(from, Math.min(judged.size(), from + BATCH));
            StringBuilder data = new StringBuilder();
            for (int i = 0; i < batch.size(); i++) {
                ReviewCompleted.Finding f = batch.get(i);
                data.append("<finding n=\"")
                        .append(i + 1)
                        .append("\" path=\"")
                        .append(f.path())
                        .append("\" line=\"")
                        .append(f.line())
                        .append("\" severity=\"")
                        .append(f.severity())
                        .append("\">\n<comment>")
                        .append(f.message());
                if (f.suggestion() != null && !f.suggestion().isBlank()) {
                    data.append("\nSuggestion: ").append(f.suggestion());
                }
                data.append("</comment>\n<code>\n").append(f.excerpt()).append("</code>\n</finding>\n");
            }
            List<MetricPrompts.FindingVerdict> verdicts = calls.ask(
                            (ai, call) -> ai.findingVerdicts(call, repository, data.toString(), batch.size()))
                    .verdicts();
            valid.addAll(Texts.verdicts(verdicts, MetricPrompts.FindingVerdict::valid));
            actionable.addAll(Texts.verdicts(verdicts, MetricPrompts.FindingVerdict::actionable));
        }
        return new Result(share(valid), share(actionable), valid, actionable, calls.tokens(), calls.model());
    }

    private static double share(List<Integer> verdicts) {
        return verdicts.isEmpty()
                ? Double.NaN
                : verdicts.stream().mapToInt(Integer::intValue).sum() / (double) verdicts.size();
    }
}
