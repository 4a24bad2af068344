package io.ragline.gateway.chat;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code POST /v1/chat}.
 *
 * @param conversationId continue this conversation; absent: start one
 * @param message the question
 * @param filters retriever filters ({@code documentIds}, {@code sources}, {@code metadata}), passed on as they are
 * @param stream answer as Server-Sent Events
 * @param topK passages to retrieve (default from configuration)
 */
public record ChatRequest(String conversationId, String message, JsonNode filters, Boolean stream, Integer topK) {

    public boolean streaming() {
        return Boolean.TRUE.equals(stream);
    }
}
