package io.ragline.model;

import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How a service reaches the OpenAI-compatible model server: the configuration group every service that calls models
 * nests under its own prefix ({@code gateway.model.*}, {@code agents.model.*}), so the settings
 * are named and documented once. A service whose tasks need other values (longer reviews, a deterministic judge) sets
 * them in its {@code application.properties}.
 */
public interface ModelConfig extends ModelEndpoint {

    /** Bound on one call, and on the wait for each streamed token. */
    @WithDefault("60S")
    Duration timeout();

    /** Retries on 429, 5xx, timeouts and connection failures, with exponential backoff (never after a first token). */
    @WithDefault("2")
    int maxRetries();

    /** First retry delay, doubled per retry, with jitter. */
    @WithDefault("250MS")
    Duration initialBackoff();

    /** Most tokens one completion may have. */
    @WithDefault("1024")
    int maxTokens();

    /** Sampling temperature. */
    @WithDefault("0.1")
    double temperature();

    /** Failed calls in a row that open the circuit breaker. */
    @WithDefault("5")
    int breakerFailures();

    /** How long an open circuit refuses calls (callers degrade) before one trial call goes to the server. */
    @WithDefault("30S")
    Duration breakerOpenFor();

    /** These settings as the client takes them. */
    default ModelSettings settings() {
        return new ModelSettings(
                baseUrl(),
                apiKey(),
                name(),
                tasks(),
                timeout(),
                maxRetries(),
                initialBackoff(),
                maxTokens(),
                temperature(),
                breakerFailures(),
                breakerOpenFor());
    }
}
