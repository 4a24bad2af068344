package io.ragline.model;

import io.smallrye.config.WithDefault;
import java.util.Map;
import java.util.Optional;

/**
 * Where a service's model server is and which model each task asks for: the configuration group a service nests under
 * its own prefix ({@code judge.model.*}, ...). A service maps these onto its quarkus-langchain4j named model
 * configurations in its {@code application.properties} ({@code quarkus.langchain4j.openai.<task>.base-url=
 * ${judge.model.base-url}}), so an operator sets one URL per service and may still tune any named model directly.
 */
public interface ModelEndpoint {

    /**
     * The server's OpenAI API root, for example {@code http://gpu-1:8000/v1} (vLLM) or
     * {@code http://127.0.0.1:11434/v1} (Ollama). Unset: no model; the service answers in its model-free mode and
     * says so.
     */
    Optional<String> baseUrl();

    /** Bearer token, if the server wants one. */
    Optional<String> apiKey();

    /** Model name for every task without its own. */
    @WithDefault("default")
    String name();

    /**
     * Model name per task (the service's named models: {@code chat}, {@code query-rewrite}, {@code explain}, {@code review},
     * {@code research}, {@code judge}): a fine-tuned model or a LoRA adapter the server serves by name.
     */
    Map<String, String> tasks();

    /** Whether a server is configured at all. */
    default boolean configured() {
        return baseUrl().map(String::strip).filter(s -> !s.isEmpty()).isPresent();
    }
}
