package io.ragline.gateway.chat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import io.ragline.model.Prompts;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the messages of a grounded answer. The system prompt is a fixed, versioned file; retrieved text only ever
 * travels inside {@code <source>} elements of the user message, with anything that could close or open such an
 * element neutralised, so a document cannot step out of its quotes or replace the instructions.
 */
final class GroundedPrompt {

    static final String VERSION = "chat-system.v1";
    static final String SYSTEM = Prompts.load(GroundedPrompt.class, "prompts/chat-system.v1.txt");

    private static final Pattern TAG = Pattern.compile("(?i)<\\s*/?\\s*(source|sources|question)\\b");
    private static final Pattern CITE = Pattern.compile("\\[(\\d{1,3}(?:\\s*,\\s*\\d{1,3})*)]");

    private GroundedPrompt() {}

    static List<ChatMessage> answer(List<Turn> history, List<Passage> passages, String question) {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from(SYSTEM));
        for (Turn t : history) {
            messages.add(UserMessage.from(t.question()));
            messages.add(AiMessage.from(t.answer()));
        }
        StringBuilder user = new StringBuilder("Sources:\n<sources>\n");
        for (Passage p : passages) {
            user.append("<source id=\"")
                    .append(p.n())
                    .append("\" title=\"")
                    .append(attribute(p.hit().title()))
                    .append("\">\n")
                    .append(quote(p.text()))
                    .append("\n</source>\n");
        }
        user.append("</sources>\n\nQuestion: <question>")
                .append(quote(question))
                .append("</question>\nAnswer from the sources above, citing them as [n].");
        messages.add(UserMessage.from(user.toString()));
        return messages;
    }

    /** The user message of a query rewrite ({@link QueryRewriter}): the conversation, then the last message. */
    static String rewrite(List<Turn> history, String message) {
        StringBuilder conversation = new StringBuilder("Conversation:\n");
        for (Turn t : history) {
            conversation.append("User: ").append(t.question()).append('\n');
            conversation.append("Assistant: ").append(t.answer()).append('\n');
        }
        conversation.append("User: ").append(message).append("\n\nStandalone query:");
        return conversation.toString();
    }

    /** Text placed between tags: anything tag-like of ours loses its angle bracket. */
    static String quote(String text) {
        Matcher m = TAG.matcher(text == null ? "" : text);
        return m.replaceAll(r -> Matcher.quoteReplacement("‹" + r.group().substring(1)));
    }

    private static String attribute(String value) {
        return value == null ? "" : value.replace("\"", "'").replace("<", "‹").replace("\n", " ");
    }

    /** Source numbers an answer cites, in order of first citation, limited to those that exist. */
    static List<Integer> cited(String answer, int sources) {
        Set<Integer> out = new LinkedHashSet<>();
        Matcher m = CITE.matcher(answer);
        while (m.find()) {
            for (String n : m.group(1).split(",")) {
                int i = Integer.parseInt(n.strip());
                if (i >= 1 && i <= sources) {
                    out.add(i);
                }
            }
        }
        return List.copyOf(out);
    }

    /** Rough token count for budgets: about four characters per token in English. */
    static int tokens(String text) {
        return text == null ? 0 : (text.length() + 3) / 4;
    }
}
