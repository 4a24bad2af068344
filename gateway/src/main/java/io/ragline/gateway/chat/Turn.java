package io.ragline.gateway.chat;

/** One earlier exchange of a conversation, as the model sees it. */
public record Turn(String question, String answer) {

    /** The newest turns whose text fits {@code tokenBudget}, oldest first. */
    public static java.util.List<Turn> newestWithin(java.util.List<Turn> turns, int tokenBudget) {
        java.util.ArrayDeque<Turn> kept = new java.util.ArrayDeque<>();
        int used = 0;
        for (int i = turns.size() - 1; i >= 0; i--) {
            Turn t = turns.get(i);
            used += GroundedPrompt.tokens(t.question()) + GroundedPrompt.tokens(t.answer());
            if (used > tokenBudget) {
                break;
            }
            kept.addFirst(t);
        }
        return java.util.List.copyOf(kept);
    }
}
