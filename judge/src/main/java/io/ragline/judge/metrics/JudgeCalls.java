package io.ragline.judge.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.AiMessage;
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
 * The judge model's calls for one metric: each asks for one JSON object, validated, asked for once more when malformed,
 * and the tokens spent and the model that answered are tallied.
 */
final class JudgeCalls {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ModelServer models;
    private int tokens;
    private String model;

    JudgeCalls(ModelServer models) {
        this.models = models;
    }

    int tokens() {
        return tokens;
    }

    String model() {
        return model;
    }

    /** The model's JSON answer to the instructions and the data; throws when it is invalid twice. */
    JsonNode ask(String instructions, String data, Predicate<JsonNode> valid) {
        List<ChatMessage> ask = new ArrayList<>(List.of(SystemMessage.from(instructions), UserMessage.from(data)));
        for (int attempt = 0; attempt < 2; attempt++) {
            Completion c = models.complete(Task.JUDGE, ask, true);
            tokens += c.promptTokens() + c.completionTokens();
            model = c.model();
            try {
                JsonNode j = JSON.readTree(Prompts.unfenced(c.text()));
                if (j != null && valid.test(j)) {
                    return j;
                }
            } catch (IOException e) {
                // asked again below
            }
            ask.add(AiMessage.from(c.text()));
            ask.add(UserMessage.from(
                    "That was not the JSON object asked for. Answer again with the JSON object only."));
        }
        throw new ModelUnavailableException("the judge model answered invalid JSON twice", null);
    }

    /** The non-blank strings of a JSON array, stripped. */
    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> {
            if (n.isTextual() && !n.asText().isBlank()) {
                out.add(n.asText().strip());
            }
        });
        return out;
    }

    /** The 0/1 verdicts of an array of objects, read from {@code field} (anything but 1 counts as 0). */
    static List<Integer> verdicts(JsonNode array, String field) {
        List<Integer> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path(field).asInt(0) == 1 ? 1 : 0));
        return out;
    }

    /** Numbered items, one per line, for a prompt. */
    static String numbered(List<String> items) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            b.append(i + 1).append(". ").append(items.get(i)).append('\n');
        }
        return b.toString();
    }
}
