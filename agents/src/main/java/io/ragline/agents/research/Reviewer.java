package io.ragline.agents.research;

import com.fasterxml.jackson.databind.JsonNode;
import io.ragline.model.JsonCalls;
import io.ragline.model.ModelServer;
import io.ragline.model.Prompts;
import io.ragline.model.Task;
import java.util.ArrayList;
import java.util.List;

/** The reviewer: each claim of the report checked against the text of the sources it cites. */
final class Reviewer {

    static final String REVIEW = Prompts.load(Reviewer.class, "prompts/research-review.v1.txt");

    /** The verdict on one claim, in report order. */
    record Verdict(boolean supported, String reason) {}

    private Reviewer() {}

    static List<Verdict> review(ModelServer models, Report report, Runnable checkpoint, int[] tokens) {
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
        JsonCalls calls = new JsonCalls(models, Task.RESEARCH);
        checkpoint.run();
        JsonNode j = calls.ask(
                REVIEW,
                data.toString(),
                n -> n.path("verdicts").isArray() && n.path("verdicts").size() == claims.size());
        tokens[0] += calls.tokens();
        List<Verdict> out = new ArrayList<>();
        j.path("verdicts")
                .forEach(v -> out.add(new Verdict(
                        v.path("verdict").asInt(0) == 1, v.path("reason").asText(""))));
        return out;
    }
}
