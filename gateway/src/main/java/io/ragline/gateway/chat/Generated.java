package io.ragline.gateway.chat;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;

/**
 * The model's answer to a chat turn, or why there is none ({@code reason}; then the answer is extractive).
 *
 * @param truncated the answer reached the token limit
 */
record Generated(String text, String model, int promptTokens, int completionTokens, boolean truncated, String reason) {

    static Generated none(String reason) {
        return new Generated(null, null, 0, 0, false, reason);
    }

    /** The response's text (or {@code text}, what was streamed, when the response holds none), usage and model. */
    static Generated of(ChatResponse response, String text, String requestedModel) {
        TokenUsage usage = response.tokenUsage();
        String full = response.aiMessage() != null && response.aiMessage().text() != null
                ? response.aiMessage().text()
                : text;
        return new Generated(
                full == null ? "" : full,
                response.modelName() == null ? requestedModel : response.modelName(),
                usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount(),
                usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount(),
                response.finishReason() == FinishReason.LENGTH,
                null);
    }

    boolean answered() {
        return text != null;
    }
}
