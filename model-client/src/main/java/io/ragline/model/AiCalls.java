package io.ragline.model;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.guardrail.OutputGuardrailException;
import dev.langchain4j.model.output.TokenUsage;
import dev.langchain4j.service.Result;
import io.quarkiverse.langchain4j.ChatMemoryRemover;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * What every service's calls of its quarkus-langchain4j AI services share. Each service keeps one bean whose method
 * carries the SmallRye Fault Tolerance annotations for its model server (one named circuit breaker per service) and
 * calls {@link #inConversation} inside it; {@link Transient} says which failures that method retries, and a
 * {@link Tally} adds up what a unit of work (one metric, one research step, one review) spent.
 */
public final class AiCalls {

    private AiCalls() {}

    /**
     * One call under a conversation of its own (the re-ask of a malformed answer is part of it), removed afterwards:
     * the AI service's method takes the id as its {@code @MemoryId}.
     */
    public static <P, T> Result<T> inConversation(P service, BiFunction<P, Object, Result<T>> call) {
        Object id = UUID.randomUUID();
        try {
            return call.apply(service, id);
        } finally {
            ChatMemoryRemover.remove(service, id);
        }
    }

    /**
     * What a later attempt may fix, for {@code @RetryWhen(exception = Transient.class)}: 429, 5xx, timeouts and lost
     * connections; not a refused request (another 4xx), an answer that stayed malformed after its re-ask, or a call
     * that never went out.
     */
    public static final class Transient implements Predicate<Throwable> {
        @Override
        public boolean test(Throwable e) {
            if (e instanceof OutputGuardrailException
                    || e instanceof ModelUnavailableException
                    || e instanceof CircuitBreakerOpenException) {
                return false;
            }
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof HttpException h) {
                    return h.statusCode() == 429 || h.statusCode() >= 500;
                }
            }
            return true;
        }
    }

    /**
     * The calls of one unit of work: the tokens of every answer and the model that gave the last one. Any failure
     * comes out as a {@link ModelUnavailableException} with its reason, and with no model server configured no call
     * is made at all (so it never counts against the circuit breaker).
     */
    public static final class Tally {

        private final boolean configured;
        private int promptTokens;
        private int completionTokens;
        private String model;

        public Tally(boolean configured) {
            this.configured = configured;
        }

        /** The answer's content, counted; {@code call} is the guarded method of the service's model bean. */
        public <T> T add(Supplier<Result<T>> call) {
            if (!configured) {
                throw new ModelUnavailableException("no model server configured", null);
            }
            Result<T> result;
            try {
                result = call.get();
            } catch (CircuitBreakerOpenException e) {
                throw new ModelUnavailableException("model server circuit open after repeated failures", e);
            } catch (OutputGuardrailException e) {
                throw new ModelUnavailableException("the model answered invalid JSON twice", e);
            } catch (ModelUnavailableException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new ModelUnavailableException("model server failed: " + reason(e), e);
            }
            TokenUsage usage = result.tokenUsage();
            if (usage != null) {
                promptTokens += usage.inputTokenCount() == null ? 0 : usage.inputTokenCount();
                completionTokens += usage.outputTokenCount() == null ? 0 : usage.outputTokenCount();
            }
            if (result.finalResponse() != null && result.finalResponse().modelName() != null) {
                model = result.finalResponse().modelName();
            }
            return result.content();
        }

        /** Tokens spent by the calls so far (prompt and completion). */
        public int tokens() {
            return promptTokens + completionTokens;
        }

        public int promptTokens() {
            return promptTokens;
        }

        public int completionTokens() {
            return completionTokens;
        }

        /** The model that answered last, or null before the first answer. */
        public String model() {
            return model;
        }
    }

    /** An exception's class and message, cut to 300 characters, for a reason shown to users. */
    public static String reason(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + (m.length() > 300 ? m.substring(0, 300) : m));
    }
}
