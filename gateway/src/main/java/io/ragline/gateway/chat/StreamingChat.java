package io.ragline.gateway.chat;

import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.internal.ExceptionMapper;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import dev.langchain4j.model.openai.OpenAiStreamingResponseBuilder;
import dev.langchain4j.model.openai.internal.DefaultOpenAiClient;
import dev.langchain4j.model.openai.internal.OpenAiClient;
import dev.langchain4j.model.openai.internal.OpenAiUtils;
import dev.langchain4j.model.openai.internal.chat.ChatCompletionRequest;
import dev.langchain4j.model.openai.internal.chat.ChatCompletionResponse;
import dev.langchain4j.model.openai.internal.shared.StreamOptions;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The chat answer's model: LangChain4j's OpenAI chat-completions client, streamed, from the named model's settings
 * ({@code quarkus.langchain4j.openai.chat.*}: base-url, api-key, timeout, chat-model.model-name, temperature,
 * max-tokens).
 *
 * <p>Built here rather than injected as quarkus-langchain4j's {@code @ModelName("chat") StreamingChatModel} for two
 * reasons measured with quarkus-langchain4j 1.10: its client hands out a streaming handle that cannot cancel, so a
 * client that goes away mid-answer would leave the model server generating the rest (ragline stops it: the server's
 * GPU is shared); and its lowest {@code max-retries} (1) is read by LangChain4j 1.14 as one retry, so every attempt of
 * {@code GatewayModel}'s own retry would be two requests. LangChain4j's own client on the JDK HTTP client cancels (the
 * connection is closed) and never retries. Every answer is streamed from the server, also for a client that asked for
 * one piece, so that both have one path, one timeout per token and the usage ({@code stream_options.include_usage}).
 */
@ApplicationScoped
class StreamingChat implements StreamingChatModel {

    @ConfigProperty(name = "quarkus.langchain4j.openai.chat.base-url")
    String baseUrl;

    @ConfigProperty(name = "quarkus.langchain4j.openai.chat.api-key")
    Optional<String> apiKey;

    /** The longest wait for the response's headers; each token's wait is bounded by {@link AnswerModel}. */
    @ConfigProperty(name = "quarkus.langchain4j.openai.chat.timeout", defaultValue = "60S")
    Duration timeout;

    @ConfigProperty(name = "quarkus.langchain4j.openai.chat.chat-model.model-name", defaultValue = "default")
    String modelName;

    @ConfigProperty(name = "quarkus.langchain4j.openai.chat.chat-model.temperature")
    Optional<Double> temperature;

    @ConfigProperty(name = "quarkus.langchain4j.openai.chat.chat-model.max-tokens")
    Optional<Integer> maxTokens;

    private OpenAiClient client;
    private OpenAiChatRequestParameters defaults;

    @PostConstruct
    void build() {
        client = DefaultOpenAiClient.builder()
                .httpClientBuilder(JdkHttpClient.builder())
                .baseUrl(baseUrl)
                .apiKey(apiKey.orElse(null))
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .build();
        defaults = OpenAiChatRequestParameters.builder()
                .modelName(modelName)
                .temperature(temperature.orElse(null))
                .maxOutputTokens(maxTokens.orElse(null))
                .build();
    }

    /** The model the answers ask for. */
    String modelName() {
        return modelName;
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return defaults;
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        OpenAiChatRequestParameters parameters = (OpenAiChatRequestParameters) request.parameters();
        ChatCompletionRequest completion = OpenAiUtils.toOpenAiChatRequest(request, parameters, false, false).stream(
                        true)
                .streamOptions(StreamOptions.builder().includeUsage(true).build())
                .build();
        OpenAiStreamingResponseBuilder response = new OpenAiStreamingResponseBuilder();
        client.chatCompletion(completion)
                .onRawPartialResponse(raw -> {
                    response.append(raw);
                    String text = content(raw.parsedResponse());
                    if (text != null && !text.isEmpty()) {
                        handler.onPartialResponse(
                                new PartialResponse(text), new PartialResponseContext(raw.streamingHandle()));
                    }
                })
                .onComplete(() -> handler.onCompleteResponse(response.build()))
                .onError(error -> handler.onError(ExceptionMapper.DEFAULT.mapException(error)))
                .execute();
    }

    private static String content(ChatCompletionResponse chunk) {
        if (chunk == null || chunk.choices() == null || chunk.choices().isEmpty()) {
            return null;
        }
        var delta = chunk.choices().get(0).delta();
        return delta == null ? null : delta.content();
    }
}
