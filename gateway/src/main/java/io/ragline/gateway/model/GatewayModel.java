package io.ragline.gateway.model;

import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.guardrail.OutputGuardrailException;
import io.ragline.gateway.config.GatewayConfig;
import io.ragline.model.AiCalls;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.faulttolerance.api.RetryWhen;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

/**
 * The gateway's model server: every model call (the chat answer, streamed or not, the query rewrite, the two steps of
 * an explanation) goes through {@link #call}, where fault tolerance sits, once for the one server: each attempt is
 * bounded, retried with exponential backoff and jitter on what a later attempt may fix ({@link AiCalls.Transient}:
 * never a stream that broke off after its first token, whose client already has part of the answer), and all calls
 * share one circuit breaker ({@value #BREAKER}) that opens after five failed calls in a row, so that a server that is
 * down costs a chat nothing but its extractive answer. A refused request (400) is the request's fault, not the
 * server's, and does not count. The values are the annotations' and can be tuned with SmallRye Fault Tolerance's
 * configuration keys ({@code quarkus.fault-tolerance."io.ragline.gateway.model.GatewayModel/call".retry.max-retries});
 * each request's own bound is the named model's {@code quarkus.langchain4j.openai.<task>.timeout}.
 */
@ApplicationScoped
public class GatewayModel {

    static final String BREAKER = "gateway-model";

    @Inject
    GatewayConfig config;

    @Inject
    CircuitBreakerMaintenance breakers;

    /** Whether a model server is configured at all. */
    public boolean configured() {
        return config.model().configured();
    }

    /** Whether calls go out now: configured, and the circuit not open. */
    public boolean available() {
        return configured() && breakers.currentState(BREAKER) != CircuitBreakerState.OPEN;
    }

    /** The tally of one request's calls. */
    public AiCalls.Tally tally() {
        return new AiCalls.Tally(configured());
    }

    /** One model call (a streamed answer is one call, from the request to its last token). */
    @Timeout(value = 10, unit = ChronoUnit.MINUTES)
    @Retry(maxRetries = 2, delay = 250, jitter = 62, maxDuration = 30, durationUnit = ChronoUnit.MINUTES)
    @ExponentialBackoff(factor = 2, maxDelay = 16_000)
    @RetryWhen(exception = AiCalls.Transient.class)
    @CircuitBreaker(
            requestVolumeThreshold = 5,
            failureRatio = 1.0,
            successThreshold = 1,
            delay = 30_000,
            skipOn = {OutputGuardrailException.class, InvalidRequestException.class})
    @CircuitBreakerName(BREAKER)
    public <T> T call(Supplier<T> call) {
        return call.get();
    }
}
