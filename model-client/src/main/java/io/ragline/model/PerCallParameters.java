package io.ragline.model;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A named model whose request parameters one call may override: a repository's review model (a LoRA adapter the
 * server serves by name), the model a client of the OpenAI-compatible endpoint asks for. An AI service gets it through
 * {@code @RegisterAiService(chatLanguageModelSupplier = ...)}, and the caller wraps the service's call in
 * {@link #with}; every request of that call, re-asks included, carries the parameters.
 *
 * <p>Written here because quarkus-langchain4j's AI services take the parameters from the named configuration only:
 * {@code @ModelName} on a method parameter picks another configuration, not a name the server serves, and
 * LangChain4j's {@code chatRequestTransformer} is not exposed by {@code @RegisterAiService}. The override is held
 * for the calling thread, which is the thread the AI service's blocking call runs on.
 */
public final class PerCallParameters implements ChatModel {

    private static final ThreadLocal<ChatRequestParameters> CURRENT = new ThreadLocal<>();

    private final ChatModel delegate;

    public PerCallParameters(ChatModel delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** Runs {@code call} with {@code parameters} (null: none) overriding the configured ones where they are set. */
    public static <T> T with(ChatRequestParameters parameters, Supplier<T> call) {
        ChatRequestParameters outer = CURRENT.get();
        CURRENT.set(parameters);
        try {
            return call.get();
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        ChatRequestParameters override = CURRENT.get();
        if (override == null) {
            return delegate.chat(request);
        }
        return delegate.chat(request.toBuilder()
                .parameters(request.parameters().overrideWith(override))
                .build());
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return delegate.defaultRequestParameters();
    }

    /** None of its own: the delegate's listeners see every request once. */
    @Override
    public List<ChatModelListener> listeners() {
        return List.of();
    }

    @Override
    public ModelProvider provider() {
        return delegate.provider();
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return delegate.supportedCapabilities();
    }
}
