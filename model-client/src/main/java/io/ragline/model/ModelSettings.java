package io.ragline.model;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach the OpenAI-compatible model server.
 *
 * @param baseUrl the server's OpenAI API root (for example {@code http://gpu-1:8000/v1}); empty = no model server,
 *     every caller degrades to its model-free mode
 * @param apiKey bearer token, if the server wants one
 * @param defaultModel model name for tasks without their own
 * @param models model name per task ({@link Task#key()} → name)
 * @param timeout bound on one non-streaming call, and on the wait for each streamed token
 * @param maxRetries retries of a call that failed with 429, 5xx, a timeout or a connection error (never after the
 *     first streamed token)
 * @param initialBackoff first retry delay, doubled per retry, with jitter; a 429's {@code Retry-After} is not visible
 *     through the client, so backoff applies to it too
 * @param maxTokens bound on the tokens a completion may produce
 * @param temperature sampling temperature
 * @param breakerFailures consecutive failed calls that open the circuit
 * @param breakerOpenFor how long an open circuit refuses calls before one trial call is let through
 */
public record ModelSettings(
        Optional<String> baseUrl,
        Optional<String> apiKey,
        String defaultModel,
        Map<String, String> models,
        Duration timeout,
        int maxRetries,
        Duration initialBackoff,
        int maxTokens,
        double temperature,
        int breakerFailures,
        Duration breakerOpenFor) {

    public ModelSettings {
        baseUrl = baseUrl.map(String::strip).filter(s -> !s.isEmpty());
        apiKey = apiKey.map(String::strip).filter(s -> !s.isEmpty());
        Objects.requireNonNull(defaultModel, "defaultModel");
        models = Map.copyOf(models);
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        if (maxRetries < 0 || maxTokens < 1 || breakerFailures < 1) {
            throw new IllegalArgumentException("maxRetries >= 0, maxTokens >= 1 and breakerFailures >= 1");
        }
    }

    /** No model server: callers answer in their model-free mode. */
    public static ModelSettings none() {
        return new ModelSettings(
                Optional.empty(),
                Optional.empty(),
                "none",
                Map.of(),
                Duration.ofSeconds(30),
                0,
                Duration.ofMillis(200),
                512,
                0.1,
                5,
                Duration.ofSeconds(30));
    }

    public String modelFor(Task task) {
        return models.getOrDefault(task.key(), defaultModel);
    }
}
