package io.ragline.judge.model;

import dev.langchain4j.guardrail.OutputGuardrailException;
import dev.langchain4j.service.Result;
import io.ragline.judge.config.JudgeConfig;
import io.ragline.model.AiCalls;
import io.ragline.model.ModelUnavailableException;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.faulttolerance.api.RetryWhen;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.temporal.ChronoUnit;
import java.util.function.BiFunction;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

/**
 * The judge's model server: every call of {@link MetricPrompts} goes through {@link #ask}, which is where fault
 * tolerance sits, once for the one server: each call is bounded, retried with exponential backoff and jitter on what a
 * later attempt may fix (429, 5xx, timeouts, lost connections; not a refused request, nor an answer that stayed
 * malformed after its re-ask), and all calls share one circuit breaker ({@value #BREAKER}) that opens after five
 * failed calls in a row, so that a server that is down costs the next scores nothing but the model-free fallback.
 * The values are the annotations' and can be tuned with SmallRye Fault Tolerance's configuration keys.
 */
@ApplicationScoped
public class JudgeModel {

    static final String BREAKER = "judge-model";

    @Inject
    MetricPrompts prompts;

    @Inject
    JudgeConfig config;

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

    /**
     * One call under its own conversation (the re-ask of a malformed answer is part of it), removed afterwards; callers
     * go through {@link Calls}, which maps failures to a {@link ModelUnavailableException} with the reason.
     */
    @Timeout(value = 5, unit = ChronoUnit.MINUTES)
    @Retry(maxRetries = 2, delay = 500, jitter = 125, maxDuration = 15, durationUnit = ChronoUnit.MINUTES)
    @ExponentialBackoff(factor = 2, maxDelay = 30_000)
    @RetryWhen(exception = AiCalls.Transient.class)
    @CircuitBreaker(
            requestVolumeThreshold = 5,
            failureRatio = 1.0,
            successThreshold = 1,
            delay = 30_000,
            skipOn = OutputGuardrailException.class)
    @CircuitBreakerName(BREAKER)
    public <T> Result<T> ask(BiFunction<MetricPrompts, Object, Result<T>> call) {
        return AiCalls.inConversation(prompts, call);
    }

    /**
     * Calls whose cost is tallied (one metric's): the tokens of every answer and the model that gave the last one.
     * Made with the injected {@link JudgeModel}, so that each call passes its fault tolerance.
     */
    public static final class Calls {

        private final JudgeModel judge;
        private final AiCalls.Tally tally;

        public Calls(JudgeModel judge) {
            this.judge = judge;
            this.tally = new AiCalls.Tally(judge.configured());
        }

        /** The answer's content; the reason in a {@link ModelUnavailableException} when there is none. */
        public <T> T ask(BiFunction<MetricPrompts, Object, Result<T>> call) {
            return tally.add(() -> judge.ask(call));
        }

        /** Tokens spent by the calls so far (prompt and completion). */
        public int tokens() {
            return tally.tokens();
        }

        /** The model that answered last, or null before the first answer. */
        public String model() {
            return tally.model();
        }
    }
}
