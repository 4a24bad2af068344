package io.ragline.model;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.ContentFilteredException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * The OpenAI-compatible model server, through LangChain4j's OpenAI chat models (under Quarkus, quarkus-langchain4j
 * supplies their HTTP client). One instance per service, shared by all its requests: every call is bounded by the
 * configured timeout and goes through one SmallRye Fault Tolerance guard, which retries 429, 5xx, timeouts and
 * connection failures with exponential backoff and jitter, and opens a circuit after {@code breakerFailures} failed
 * calls in a row so that a server that is down does not cost every request a full timeout. A request the server
 * refused (4xx other than 429) is neither retried nor counted against the server. With no server configured, every
 * call fails fast with a {@link ModelUnavailableException} and callers answer in their model-free mode.
 */
public final class ModelServer {

    private static final Duration POLL = Duration.ofMillis(100);

    private final ModelSettings settings;
    private final ChatModel chat;
    private final StreamingChatModel streaming;
    private final Guard guard;
    private volatile CircuitBreakerState circuit = CircuitBreakerState.CLOSED;

    public ModelServer(ModelSettings settings) {
        this.settings = settings;
        this.guard = guard(settings, state -> circuit = state);
        if (settings.baseUrl().isPresent()) {
            String baseUrl = settings.baseUrl().get();
            String key = settings.apiKey().orElse("none");
            this.chat = OpenAiChatModel.builder()
                    .baseUrl(baseUrl)
                    .apiKey(key)
                    .modelName(settings.defaultModel())
                    .timeout(settings.timeout())
                    .maxRetries(0) // retried by the guard, whose circuit breaker sees every attempt
                    .maxTokens(settings.maxTokens())
                    .temperature(settings.temperature())
                    .build();
            this.streaming = OpenAiStreamingChatModel.builder()
                    .baseUrl(baseUrl)
                    .apiKey(key)
                    .modelName(settings.defaultModel())
                    .timeout(settings.timeout())
                    .maxTokens(settings.maxTokens())
                    .temperature(settings.temperature())
                    .build();
        } else {
            this.chat = null;
            this.streaming = null;
        }
    }

    /** Whether a model server is configured at all. */
    public boolean configured() {
        return chat != null;
    }

    /** Whether calls go out now: configured and the circuit not open. */
    public boolean available() {
        return configured() && circuit != CircuitBreakerState.OPEN;
    }

    /**
     * The guard of every call: retry (outermost) around a circuit breaker. The breaker opens when all of the last
     * {@code breakerFailures} calls failed, stays open for {@code breakerOpenFor}, then lets one trial call through.
     * Neither retries a refused request ({@link Refused}) nor a stream that broke off after its first token
     * ({@link BrokeOff}: its listener already has part of the answer); the breaker counts the second, not the first.
     */
    private static Guard guard(ModelSettings settings, Consumer<CircuitBreakerState> onStateChange) {
        long backoff = Math.max(1, settings.initialBackoff().toMillis());
        return Guard.create()
                .withRetry()
                .maxRetries(settings.maxRetries())
                .delay(backoff, ChronoUnit.MILLIS)
                .jitter(backoff / 4, ChronoUnit.MILLIS)
                // every attempt is bounded by the timeout already; this only has to exceed their sum
                .maxDuration(
                        (settings.maxRetries() + 1) * (settings.timeout().toMillis() + (backoff << 6)),
                        ChronoUnit.MILLIS)
                .abortOn(List.of(Refused.class, BrokeOff.class, CircuitBreakerOpenException.class))
                .withExponentialBackoff()
                .factor(2)
                .maxDelay(backoff << 6, ChronoUnit.MILLIS)
                .done()
                .done()
                .withCircuitBreaker()
                .requestVolumeThreshold(settings.breakerFailures())
                .failureRatio(1.0)
                .successThreshold(1)
                .delay(settings.breakerOpenFor().toMillis(), ChronoUnit.MILLIS)
                .skipOn(Refused.class)
                .onStateChange(onStateChange)
                .done()
                .build();
    }

    /** The server answered and refused the request (a 4xx but 429): the caller's problem, not the server's. */
    private static final class Refused extends RuntimeException {
        Refused(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /** A stream failed after its first token: not retried (the listener has part of the answer), counted. */
    private static final class BrokeOff extends RuntimeException {
        BrokeOff(Outcome outcome) {
            super(outcome.error.getMessage(), outcome.error, false, false);
        }
    }

    /** A stream failed before its first token: retried, counted. */
    private static final class FailedEarly extends RuntimeException {
        FailedEarly(Outcome outcome) {
            super(outcome.error.getMessage(), outcome.error, false, false);
        }
    }

    public String modelFor(Task task) {
        return settings.modelFor(task);
    }

    public ModelSettings settings() {
        return settings;
    }

    /** One completion, blocking; {@code json} asks the server for a JSON object. */
    public Completion complete(Task task, List<ChatMessage> messages, boolean json) {
        return complete(task, null, messages, json);
    }

    /** As {@link #complete(Task, List, boolean)}, with the model named per request (null: the task's model). */
    public Completion complete(Task task, String model, List<ChatMessage> messages, boolean json) {
        requireConfigured();
        ChatRequest.Builder request = ChatRequest.builder()
                .messages(messages)
                .modelName(model == null || model.isBlank() ? settings.modelFor(task) : model);
        if (json) {
            request.responseFormat(ResponseFormat.JSON);
        }
        ChatRequest built = request.build();
        ChatResponse response;
        try {
            response = guard.get(
                    () -> {
                        try {
                            return chat.chat(built);
                        } catch (RuntimeException e) {
                            throw retriable(e) ? e : new Refused(e);
                        }
                    },
                    ChatResponse.class);
        } catch (Refused e) {
            throw new ModelUnavailableException("model server refused the request: " + reason(e.getCause()), e);
        } catch (CircuitBreakerOpenException e) {
            throw new ModelUnavailableException("model server circuit open after repeated failures", e);
        } catch (RuntimeException e) {
            throw new ModelUnavailableException(
                    "model server failed after " + (settings.maxRetries() + 1) + " attempts: " + reason(e), e);
        }
        return completion(response, task, response.aiMessage().text());
    }

    /**
     * Streams one completion to {@code listener} on the calling thread, blocking until it is complete, failed or
     * cancelled. A failure before the first token is retried like {@link #complete}; after it, the listener is told
     * and the caller decides (the gateway ends the stream with an error event). Each token must arrive within the
     * timeout.
     */
    public void stream(Task task, List<ChatMessage> messages, StreamListener listener) {
        if (!configured()) {
            listener.onError(unconfigured(), false);
            return;
        }
        ChatRequest request = ChatRequest.builder()
                .messages(messages)
                .modelName(settings.modelFor(task))
                .build();
        try {
            guard.get(
                    () -> {
                        Outcome outcome = streamOnce(task, request, listener);
                        if (outcome.error == null || outcome.cancelled) {
                            return outcome;
                        }
                        if (!retriable(outcome.error)) {
                            throw new Refused(outcome.error);
                        }
                        throw outcome.tokensSent ? new BrokeOff(outcome) : new FailedEarly(outcome);
                    },
                    Outcome.class);
        } catch (Refused e) {
            // tokens are never sent before the server refuses
            listener.onError(
                    new ModelUnavailableException("model server refused the request: " + reason(e.getCause()), e),
                    false);
        } catch (BrokeOff e) {
            listener.onError(
                    new ModelUnavailableException("model server stream broke off: " + reason(e.getCause()), e), true);
        } catch (CircuitBreakerOpenException e) {
            listener.onError(
                    new ModelUnavailableException("model server circuit open after repeated failures", e), false);
        } catch (FailedEarly e) {
            listener.onError(
                    new ModelUnavailableException(
                            "model server failed after " + (settings.maxRetries() + 1) + " attempts: "
                                    + reason(e.getCause()),
                            e.getCause()),
                    false);
        }
    }

    private record Outcome(RuntimeException error, boolean tokensSent, boolean cancelled) {}

    private sealed interface Event {}

    private record Token(String text) implements Event {}

    private record Done(ChatResponse response) implements Event {}

    private record Failed(Throwable error) implements Event {}

    private Outcome streamOnce(Task task, ChatRequest request, StreamListener listener) {
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        AtomicReference<StreamingHandle> handle = new AtomicReference<>();
        StringBuilder text = new StringBuilder();
        boolean sent = false;
        try {
            streaming.chat(request, new StreamingChatResponseHandler() {
                @Override
                public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                    handle.compareAndSet(null, context.streamingHandle());
                    events.add(new Token(partial.text()));
                }

                @Override
                public void onCompleteResponse(ChatResponse response) {
                    events.add(new Done(response));
                }

                @Override
                public void onError(Throwable error) {
                    events.add(new Failed(error));
                }
            });
        } catch (RuntimeException e) {
            return new Outcome(e, false, false);
        }
        long idleNanos = settings.timeout().toNanos();
        long lastEvent = System.nanoTime();
        while (true) {
            if (listener.cancelled()) {
                cancel(handle.get());
                return new Outcome(new IllegalStateException("cancelled by the consumer"), sent, true);
            }
            Event event;
            try {
                event = events.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancel(handle.get());
                return new Outcome(new IllegalStateException("interrupted"), sent, true);
            }
            if (event == null) {
                if (System.nanoTime() - lastEvent > idleNanos) {
                    cancel(handle.get());
                    return new Outcome(
                            new dev.langchain4j.exception.TimeoutException(
                                    "no token within " + settings.timeout().toMillis() + " ms"),
                            sent,
                            false);
                }
                continue;
            }
            lastEvent = System.nanoTime();
            if (event instanceof Token t) {
                if (t.text() != null && !t.text().isEmpty()) {
                    text.append(t.text());
                    listener.onToken(t.text());
                    sent = true;
                }
            } else if (event instanceof Done d) {
                String full = d.response().aiMessage() != null
                                && d.response().aiMessage().text() != null
                        ? d.response().aiMessage().text()
                        : text.toString();
                listener.onComplete(completion(d.response(), task, full));
                return new Outcome(null, sent, false);
            } else if (event instanceof Failed f) {
                RuntimeException error = f.error() instanceof RuntimeException r
                        ? r
                        : new RuntimeException(f.error().getMessage(), f.error());
                return new Outcome(error, sent, false);
            }
        }
    }

    private Completion completion(ChatResponse response, Task task, String text) {
        TokenUsage usage = response.tokenUsage();
        int prompt = usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount();
        int written = usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount();
        String model = response.modelName() == null ? settings.modelFor(task) : response.modelName();
        return new Completion(
                text == null ? "" : text, model, prompt, written, response.finishReason() == FinishReason.LENGTH);
    }

    private static void cancel(StreamingHandle handle) {
        if (handle != null && !handle.isCancelled()) {
            handle.cancel();
        }
    }

    private void requireConfigured() {
        if (!configured()) {
            throw unconfigured();
        }
    }

    private static ModelUnavailableException unconfigured() {
        return new ModelUnavailableException("no model server configured", null);
    }

    static boolean retriable(Throwable e) {
        return !(e instanceof AuthenticationException
                || e instanceof InvalidRequestException
                || e instanceof ModelNotFoundException
                || e instanceof ContentFilteredException);
    }

    private static String reason(Throwable e) {
        if (e == null) {
            return "unknown";
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + (m.length() > 300 ? m.substring(0, 300) : m));
    }
}
