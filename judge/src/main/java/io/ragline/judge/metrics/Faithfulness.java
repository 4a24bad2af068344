package io.ragline.judge.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import io.ragline.model.Completion;
import io.ragline.model.ModelServer;
import io.ragline.model.ModelUnavailableException;
import io.ragline.model.Prompts;
import io.ragline.model.Task;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

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
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The score with its evidence. */
    public record Result(double value, List<String> statements, List<Integer> verdicts, int tokens, String model) {}

    private Faithfulness() {}

    /** The score; NaN when the answer makes no statement. */
    public static Result score(ModelServer models, String question, String answer, List<String> contexts) {
        int[] tokens = {0};
        String[] model = {null};
        JsonNode s = ask(
                models,
                List.of(
                        SystemMessage.from(STATEMENTS),
                        UserMessage.from("<question>" + question + "</question>\n<answer>" + answer + "</answer>")),
                j -> j.path("statements").isArray(),
                tokens,
                model);
        List<String> statements = new ArrayList<>();
        s.path("statements").forEach(n -> {
            if (!n.asText().isBlank()) {
                statements.add(n.asText().strip());
            }
        });
        if (statements.isEmpty()) {
            return new Result(Double.NaN, statements, List.of(), tokens[0], model[0]);
        }
        StringBuilder user = new StringBuilder("<context>\n");
        contexts.forEach(c -> user.append(c).append("\n\n"));
        user.append("</context>\n<statements>\n");
        for (int i = 0; i < statements.size(); i++) {
            user.append(i + 1).append(". ").append(statements.get(i)).append('\n');
        }
        user.append("</statements>");
        JsonNode v = ask(
                models,
                List.of(SystemMessage.from(VERDICTS), UserMessage.from(user.toString())),
                j -> j.path("verdicts").isArray() && j.path("verdicts").size() == statements.size(),
                tokens,
                model);
        List<Integer> verdicts = new ArrayList<>();
        v.path("verdicts").forEach(n -> verdicts.add(n.path("verdict").asInt(0) == 1 ? 1 : 0));
        double supported = verdicts.stream().mapToInt(Integer::intValue).sum();
        return new Result(supported / statements.size(), statements, verdicts, tokens[0], model[0]);
    }

    private static JsonNode ask(
            ModelServer models, List<ChatMessage> messages, Predicate<JsonNode> valid, int[] tokens, String[] model) {
        List<ChatMessage> ask = new ArrayList<>(messages);
        for (int attempt = 0; attempt < 2; attempt++) {
            Completion c = models.complete(Task.JUDGE, ask, true);
            tokens[0] += c.promptTokens() + c.completionTokens();
            model[0] = c.model();
            try {
                JsonNode j = JSON.readTree(Prompts.unfenced(c.text()));
                if (j != null && valid.test(j)) {
                    return j;
                }
            } catch (IOException e) {
                // asked again below
            }
            ask.add(dev.langchain4j.data.message.AiMessage.from(c.text()));
            ask.add(UserMessage.from(
                    "That was not the JSON object asked for. Answer again with the JSON object only."));
        }
        throw new ModelUnavailableException("the judge model answered invalid JSON twice", null);
    }
}
