package io.ragline.gateway.chat;

import java.util.List;

/**
 * The answer to one chat turn.
 *
 * @param conversationId conversation it belongs to (new or continued)
 * @param turn turn number within the conversation, from 1
 * @param answerId the answer's id (its answer-produced event id): what feedback refers to
 * @param answer the text, citing sources as {@code [n]}
 * @param mode {@code generative}, {@code extractive} or {@code no_evidence}
 * @param notice why the answer is not generative (no model configured, model server unavailable, no evidence)
 * @param model model that wrote it, {@code none} otherwise
 * @param promptVersion version of the system prompt a generative answer was written with
 * @param query what was searched (the message, or its standalone rewrite in a follow-up)
 * @param citations the sources the answer cites, by number
 * @param usage tokens spent on the model server
 * @param latencies milliseconds per stage
 */
public record ChatAnswer(
        String conversationId,
        int turn,
        String answerId,
        String answer,
        String mode,
        String notice,
        String model,
        String promptVersion,
        String query,
        List<Citation> citations,
        Usage usage,
        Latencies latencies) {

    public record Usage(int promptTokens, int completionTokens, int totalTokens) {}

    public record Latencies(long rewriteMs, long retrievalMs, long generationMs, long totalMs) {}
}
