package io.ragline.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Calls that want one JSON object back (a judge metric, an agent's step): each answer is validated and asked for once
 * more when malformed, and the tokens spent and the model that answered are tallied across the calls.
 */
public final class JsonCalls {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ModelServer models;
    private final Task task;
    private int tokens;
    private String model;

    public JsonCalls(ModelServer models, Task task) {
        this.models = models;
        this.task = task;
    }

    /** Tokens spent by the calls so far (prompt and completion). */
    public int tokens() {
        return tokens;
    }

    /** The model that answered last, or null before the first answer. */
    public String model() {
        return model;
    }

    /** The model's JSON answer to the instructions and the data; throws when it is invalid twice. */
    public JsonNode ask(String instructions, String data, Predicate<JsonNode> valid) {
        List<ChatMessage> ask = new ArrayList<>(List.of(SystemMessage.from(instructions), UserMessage.from(data)));
        for (int attempt = 0; attempt < 2; attempt++) {
            Completion c = models.complete(task, ask, true);
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
        throw new ModelUnavailableException("the model answered invalid JSON twice", null);
    }

    /** The non-blank strings of a JSON array, stripped. */
    public static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> {
            if (n.isTextual() && !n.asText().isBlank()) {
                out.add(n.asText().strip());
            }
        });
        return out;
    }

    /** The 0/1 verdicts of an array of objects, read from {@code field} (anything but 1 counts as 0). */
    public static List<Integer> verdicts(JsonNode array, String field) {
        List<Integer> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path(field).asInt(0) == 1 ? 1 : 0));
        return out;
    }
}
