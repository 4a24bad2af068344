package io.ragline.judge.metrics;

import io.ragline.model.JsonCalls;
import io.ragline.model.ModelServer;
import io.ragline.model.Prompts;
import io.ragline.model.Task;
import java.util.List;

/**
 * RAGAS faithfulness with the judge model: the answer is broken into statements, each statement is checked against
 * the retrieved context, and the score is the share of statements the context supports. Both steps answer validated
 * JSON, asked for once more when malformed. Needs a model server; without one the judge reports
 * {@link EmbeddingSupport} instead, under its own name.
 */
public final class Faithfulness {

    public static final String METRIC = "faithfulness";
    public static final String PROMPT_VERSION = "faithfulness.v1";
    static final String STATEMENTS = Prompts.load(Faithfulness.class, "prompts/faithfulness-statements.v1.txt");
    static final String VERDICTS = Prompts.load(Faithfulness.class, "prompts/faithfulness-verdicts.v1.txt");

    /** The score with its evidence. */
    public record Result(double value, List<String> statements, List<Integer> verdicts, int tokens, String model) {}

    private Faithfulness() {}

    /** The score; NaN when the answer makes no statement. */
    public static Result score(ModelServer models, String question, String answer, List<String> contexts) {
        JsonCalls calls = new JsonCalls(models, Task.JUDGE);
        List<String> statements = JsonCalls.texts(calls.ask(
                        STATEMENTS,
                        "<question>" + question + "</question>\n<answer>" + answer + "</answer>",
                        j -> j.path("statements").isArray())
                .path("statements"));
        if (statements.isEmpty()) {
            return new Result(Double.NaN, statements, List.of(), calls.tokens(), calls.model());
        }
        StringBuilder user = new StringBuilder("<context>\n");
        contexts.forEach(c -> user.append(c).append("\n\n"));
        user.append("</context>\n<statements>\n")
                .append(JsonCalls.numbered(statements))
                .append("</statements>");
        List<Integer> verdicts = JsonCalls.verdicts(
                calls.ask(
                                VERDICTS,
                                user.toString(),
                                j -> j.path("verdicts").isArray()
                                        && j.path("verdicts").size() == statements.size())
                        .path("verdicts"),
                "verdict");
        double supported = verdicts.stream().mapToInt(Integer::intValue).sum();
        return new Result(supported / statements.size(), statements, verdicts, calls.tokens(), calls.model());
    }
}
