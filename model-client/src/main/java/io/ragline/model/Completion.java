package io.ragline.model;

/**
 * What the model wrote.
 *
 * @param text the completion
 * @param model the model name that answered (as the server reports it, else the one asked for)
 * @param promptTokens tokens read
 * @param completionTokens tokens written
 * @param truncated whether the completion stopped at the token limit
 */
public record Completion(String text, String model, int promptTokens, int completionTokens, boolean truncated) {}
