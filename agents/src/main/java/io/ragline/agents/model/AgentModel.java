package io.ragline.agents.model;

import dev.langchain4j.guardrail.OutputGuardrailException;
import dev.langchain4j.service.Result;
import io.ragline.agents.config.AgentsConfig;
import io.ragline.model.AiCalls;
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
 * The agents' model server: every call of the research and review AI services goes through {@link #ask}, where fault
 * tolerance sits, once for the one server both agents share: each call is bounded, retried with exponential backoff and
 * jitter on what a later attempt may fix ({@link AiCalls.Transient}), and all calls share one circuit breaker
 * ({@value #BREAKER}) that opens after five failed calls in a row, so that a server that is down costs a research job
 * or a review nothing but its model-free mode. The values are the annotations' and can be tuned with SmallRye Fault
 * Tolerance's configuration keys ({@code quarkus.fault-tolerance."io.ragline.agents.model.AgentModel/ask".retry.max-retries}).
 */
@ApplicationScoped
public class AgentModel {

    static final String BREAKER = "agents-model";

    @Inject
    AgentsConfig config;

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

    /** The tally of one unit of work's calls (a research step, a review). */
    public AiCalls.Tally tally() {
        return new AiCalls.Tally(configured());
    }

    /** One call of {@code service} under its own conversation; callers count it with {@link #tally()}. */
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
    public <P, T> Result<T> ask(P service, BiFunction<P, Object, Result<T>> call) {
        return AiCalls.inConversation(service, call);
    }
}
