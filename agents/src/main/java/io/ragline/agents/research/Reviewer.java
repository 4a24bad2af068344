package io.ragline.agents.research;

import io.ragline.model.AiCalls;
import java.util.ArrayList;
import java.util.List;

/** The reviewer: each claim of the report checked against the text of the sources it cites. */
final class Reviewer {

    /** The verdict on one claim, in report order. */
    record Verdict(boolean supported, String reason) {}

    private Reviewer() {}

    static List<Verdict> review(ResearchModel model, Report report, Runnable checkpoint, int[] tokens) {
        List<Report.Claim> claims = report.claims();
        if (claims.isEmpty()) {
            return List.of();
        }
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < claims.size(); i++) {
            Report.Claim c = claims.get(i);
            data.append("<claim n=\"")
                    .append(i + 1)
                    .append("\">")
                    .append(c.text())
                    .append("\n");
            for (int n : c.sources()) {
                data.append("<source n=\"")
                        .append(n)
                        .append("\">")
                        .append(report.sources().get(n - 1).text())
                        .append("</source>\n");
            }
            data.append("</claim>\n");
        }
        AiCalls.Tally calls = model.tally();
        checkpoint.run();
        ResearchPrompts.Verdicts verdicts;
        try {
            verdicts = model.ask(calls, (p, id) -> p.review(id, data.toString(), claims.size()));
        } finally {
            tokens[0] += calls.tokens();
        }
        List<Verdict> out = new ArrayList<>();
        verdicts.verdicts()
                .forEach(v -> out.add(
                        v == null
                                ? new Verdict(false, "")
                                : new Verdict(v.verdict() == 1, v.reason() == null ? "" : v.reason())));
        return out;
    }
}
