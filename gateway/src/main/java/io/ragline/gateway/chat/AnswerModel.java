package io.ragline.gateway.chat;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import io.ragline.gateway.model.GatewayModel;
import io.ragline.model.AiCalls;
import io.ragline.model.ModelUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

/**
 * The grounded answer from the model {@code chat} ({@link StreamingChat}), streamed token by token to the turn's
 * events or collected into one piece. Its {@link Fallback} is the extractive answer: when no server is configured, the
 * circuit is open, or the call failed before a first token reached the client (after {@link GatewayModel}'s retries),
 * the result says why and the turn quotes the passages instead. A stream that breaks off after a streaming client got
 * part of the answer is not retried nor answered extractively: it ends with a {@link BrokeOff}.
 *
 * <p>The messages are built by {@link GroundedPrompt} rather than by an AI service's templates because the history of
 * the conversation goes in as messages and the sources are quoted by code that neutralises tags.
 */
@ApplicationScoped
class AnswerModel {

    private static final Logger LOG = Logger.getLogger(AnswerModel.class);
    private static final Duration POLL = Duration.ofMillis(100);

    @Inject
    GatewayModel model;

    @Inject
    StreamingChat streaming;

    /** The longest wait for the first and for each next token of a stream: the chat model's request timeout. */
    @ConfigProperty(name = "quarkus.langchain4j.openai.chat.timeout", defaultValue = "60S")
    Duration tokenTimeout;

    /** The stream failed after its first token: not retried, counted by the circuit breaker. */
    static final class BrokeOff extends ModelUnavailableException {
        BrokeOff(Throwable cause) {
            super("model server stream broke off: " + AiCalls.reason(cause), cause);
        }
    }

    /** The model's answer (null when the client went away mid-stream), or why there is none. */
    @Fallback(fallbackMethod = "extractive", skipOn = BrokeOff.class)
    Generated generate(List<ChatMessage> prompt, ChatEvents events) {
        if (!model.configured()) {
            return Generated.none("none configured");
        }
        ChatRequest request = ChatRequest.builder().messages(prompt).build();
        return model.call(() -> stream(request, events));
    }

    /** The fallback: no model answer, and the reason the turn's notice gives. */
    Generated extractive(List<ChatMessage> prompt, ChatEvents events, Throwable failure) {
        String reason = failure instanceof CircuitBreakerOpenException
                ? "circuit open after repeated failures"
                : "model server failed: " + AiCalls.reason(failure);
        LOG.warnf("answering extractively: %s", reason);
        return Generated.none(reason);
    }

    private sealed interface Event {}

    private record Token(String text) implements Event {}

    private record Done(ChatResponse response) implements Event {}

    private record Failed(Throwable error) implements Event {}

    /**
     * One streamed answer, on the calling thread until it is complete, failed or cancelled (the client went away:
     * null; the server's stream is cancelled, at its next token if none came yet). A streaming client gets the tokens
     * as they come; a failure before the first one sent is thrown as it is (retried when transient), after it as a
     * {@link BrokeOff}.
     */
    private Generated stream(ChatRequest request, ChatEvents events) {
        BlockingQueue<Event> queue = new LinkedBlockingQueue<>();
        AtomicReference<StreamingHandle> handle = new AtomicReference<>();
        AtomicBoolean abandoned = new AtomicBoolean();
        streaming.chat(request, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                handle.compareAndSet(null, context.streamingHandle());
                if (abandoned.get()) {
                    cancel(context.streamingHandle());
                    return;
                }
                queue.add(new Token(partial.text()));
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                queue.add(new Done(response));
            }

            @Override
            public void onError(Throwable error) {
                queue.add(new Failed(error));
            }
        });
        StringBuilder text = new StringBuilder();
        long lastEvent = System.nanoTime();
        while (true) {
            if (events.closed()) {
                abandoned.set(true);
                cancel(handle.get());
                return null;
            }
            Event event;
            try {
                event = queue.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                abandoned.set(true);
                cancel(handle.get());
                throw new ModelUnavailableException("interrupted while streaming", e);
            }
            if (event == null) {
                if (System.nanoTime() - lastEvent > tokenTimeout.toNanos()) {
                    abandoned.set(true);
                    cancel(handle.get());
                    failed(
                            new dev.langchain4j.exception.TimeoutException(
                                    "no token within " + tokenTimeout.toMillis() + " ms"),
                            events.streaming() && !text.isEmpty());
                }
                continue;
            }
            lastEvent = System.nanoTime();
            if (event instanceof Token t) {
                text.append(t.text());
                if (events.streaming()) {
                    events.token(t.text());
                }
            } else if (event instanceof Done d) {
                return Generated.of(d.response(), text.toString(), streaming.modelName());
            } else if (event instanceof Failed f) {
                failed(f.error(), events.streaming() && !text.isEmpty());
            }
        }
    }

    private static void failed(Throwable error, boolean partSent) {
        if (partSent) {
            throw new BrokeOff(error);
        }
        throw error instanceof RuntimeException r ? r : new RuntimeException(error.getMessage(), error);
    }

    private static void cancel(StreamingHandle handle) {
        if (handle != null && !handle.isCancelled()) {
            handle.cancel();
        }
    }
}
