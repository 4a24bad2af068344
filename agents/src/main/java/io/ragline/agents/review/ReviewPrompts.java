package io.ragline.agents.review;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.Result;
import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.service.guardrail.OutputGuardrails;
import io.quarkiverse.langchain4j.ModelName;
import io.quarkiverse.langchain4j.RegisterAiService;
import io.ragline.model.JsonAnswer;
import io.ragline.model.PerCallParameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.function.Supplier;

/**
 * The code reviewer's prompt ({@code prompts/review.v1.txt}) on the named model configuration {@code review}
 * ({@code quarkus.langchain4j.openai.review.*}, which asks for a JSON object), through {@link PerCallParameters} so
 * that a repository's {@code model} setting names the model of its reviews. The answer is read into {@link Findings}
 * by an output guardrail that asks once more, in the same conversation, when it is not that JSON object; each
 * finding stays a JSON node because one malformed finding is dropped and counted, not a reason to re-ask.
 */
@RegisterAiService(modelName = "review", chatLanguageModelSupplier = ReviewPrompts.Model.class)
@ApplicationScoped
public interface ReviewPrompts {

    /** {@code request}: the pull request, the repository's instructions, the related context and the annotated diff. */
    @SystemMessage(fromResource = "prompts/review.v1.txt")
    @UserMessage("{request}")
    @OutputGuardrails(value = OfFindings.class, maxRetries = 2)
    Result<Findings> findings(@MemoryId Object call, String request);

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Findings(List<JsonNode> findings) {}

    @Singleton
    class OfFindings extends JsonAnswer<Findings> {
        public OfFindings() {
            super(Findings.class, Findings::findings);
        }
    }

    /** The named model {@code review}, whose parameters a call may override. */
    @ApplicationScoped
    class Model implements Supplier<ChatModel> {

        @Inject
        @ModelName("review")
        ChatModel review;

        @Override
        public ChatModel get() {
            return new PerCallParameters(review);
        }
    }
}
