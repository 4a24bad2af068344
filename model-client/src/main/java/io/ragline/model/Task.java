package io.ragline.model;

/**
 * What a model call is for. Each task has its own model name, so one task can use a fine-tuned model or a LoRA adapter
 * that the model server (vLLM) serves under its own name while the others share the base model.
 */
public enum Task {
    CHAT,
    QUERY_REWRITE,
    EXPLAIN,
    JUDGE,
    REVIEW,
    RESEARCH;

    /** The configuration key of the task: {@code chat}, {@code query-rewrite}, ... */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
