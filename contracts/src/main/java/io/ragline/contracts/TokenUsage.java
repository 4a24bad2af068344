package io.ragline.contracts;

/** Tokens spent on the model server by one piece of work. */
public record TokenUsage(int promptTokens, int completionTokens) {

    public static final TokenUsage NONE = new TokenUsage(0, 0);

    public int totalTokens() {
        return promptTokens + completionTokens;
    }

    public TokenUsage plus(TokenUsage other) {
        return other == null
                ? this
                : new TokenUsage(promptTokens + other.promptTokens, completionTokens + other.completionTokens);
    }
}
