package io.ragline.model;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.guardrail.JsonExtractorOutputGuardrail;
import dev.langchain4j.guardrail.OutputGuardrailRequest;
import dev.langchain4j.guardrail.OutputGuardrailResult;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.Result;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * An AI service's answer read as one JSON object of the asked shape (LangChain4j's JSON extractor, which also finds
 * the object inside a Markdown fence or after a sentence). An answer that is not that object, whose list is missing
 * ({@code entries} gives null), or whose list has not the number of entries asked for (the prompt variable
 * {@value #EXPECTED}, when the method has one), is asked for once more in the same conversation with
 * {@link #REPROMPT}. A service declares one {@code @Singleton} subclass per answer record and names it in
 * {@code @OutputGuardrails(value = ..., maxRetries = 2)}; the conversation needs a {@code @MemoryId} per call
 * ({@link AiCalls#inConversation}).
 */
public abstract class JsonAnswer<T> extends JsonExtractorOutputGuardrail<T> {

    /** The prompt variable holding how many entries the answer's list must have. */
    public static final String EXPECTED = "expected";

    public static final String REPROMPT =
            "That was not the JSON object asked for. Answer again with the JSON object only.";

    private final Function<T, List<?>> entries;

    /**
     * The invocations whose answer was found wanting once and re-asked: LangChain4j's executor would re-ask a second
     * time and give up without reading that answer, so a second failure ends the call here, as fatal. An entry lives
     * from the re-ask to its answer (a call that fails in between leaves one; the bound keeps them few).
     */
    private final Set<Object> reasked = ConcurrentHashMap.newKeySet();

    protected JsonAnswer(Class<T> type, Function<T, List<?>> entries) {
        super(type);
        this.entries = entries;
    }

    @Override
    public OutputGuardrailResult validate(OutputGuardrailRequest request) {
        Object invocation = request.requestParams().invocationContext().invocationId();
        OutputGuardrailResult parsed = validate(request.responseFromLLM().aiMessage());
        String wrong = null;
        if (!parsed.isSuccess()) {
            wrong = "the answer is not the JSON object asked for";
        } else {
            @SuppressWarnings("unchecked")
            List<?> list = entries.apply((T) parsed.successfulResult());
            Object expected = request.requestParams().variables().get(EXPECTED);
            if (list == null || (expected instanceof Integer n && list.size() != n)) {
                wrong = "the answer has not the entries asked for";
            }
        }
        boolean second = reasked.remove(invocation);
        if (wrong != null) {
            if (second) {
                return fatal(wrong + ", twice");
            }
            if (reasked.size() > 10_000) {
                reasked.clear();
            }
            reasked.add(invocation);
            return reprompt(wrong, REPROMPT);
        }
        // the service's Result carries the answer that passed, with its usage and model (the extension would
        // otherwise parse the first answer again when a re-ask was needed)
        ChatResponse answer = request.responseFromLLM();
        return successWith(
                parsed.successfulText(),
                Result.builder()
                        .content(parsed.successfulResult())
                        .tokenUsage(answer.tokenUsage())
                        .finishReason(answer.finishReason())
                        .finalResponse(answer)
                        .build());
    }

    @Override
    protected String getInvalidJsonMessage(AiMessage aiMessage, String json) {
        return "the answer is not the JSON object asked for";
    }

    @Override
    protected String getInvalidJsonReprompt(AiMessage aiMessage, String json) {
        return REPROMPT;
    }
}
