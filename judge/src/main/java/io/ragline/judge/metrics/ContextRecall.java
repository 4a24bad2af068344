package io.ragline.judge.metrics;

import io.ragline.model.JsonCalls;
import io.ragline.model.ModelServer;
import io.ragline.model.Prompts;
import io.ragline.model.Task;
import java.util.List;

/**
 * RAGAS context recall ({@code LLMContextRecall}): the reference answer is broken into statements and the judge model
 * classifies each as attributable to the retrieved context or not; the score is the attributed share. Needs a
 * reference answer.
 */
public final class ContextRecall {

    public static final String METRIC = "context_recall";
    public static final String PROMPT_VERSION = "context-recall.v1";
    static final String PROMPT = Prompts.load(ContextRecall.class, "prompts/context-recall.v1.txt");

    /** The score with its evidence. */
    public record Result(double value, List<String> statements, List<Integer> attributed, int tokens, String model) {}

    private ContextRecall() {}

    /** The score; NaN when the reference makes no statement. */
    public static Result score(ModelServer models, String question, String reference, List<String> contexts) {
        JsonCalls calls = new JsonCalls(models, Task.JUDGE);
        StringBuilder data = new StringBuilder("<question>").append(question).append("</question>\n<context>\n");
        contexts.forEach(c -> data.append(c).append("\n\n"));
        data.append("</context>\n<reference>").append(reference).append("</reference>");
        var classifications = calls.ask(
                        PROMPT, data.toString(), j -> j.path("classifications").isArray())
                .path("classifications");
        List<String> statements = new java.util.ArrayList<>();
        classifications.forEach(n -> statements.add(n.path("statement").asText("")));
        List<Integer> attributed = JsonCalls.verdicts(classifications, "attributed");
        double value = attributed.isEmpty()
                ? Double.NaN
                : attributed.stream().mapToInt(Integer::intValue).sum() / (double) attributed.size();
        return new Result(value, statements, attributed, calls.tokens(), calls.model());
    }
}
