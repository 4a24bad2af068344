package io.ragline.gateway.explain;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.Result;
import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.service.guardrail.OutputGuardrails;
import io.quarkiverse.langchain4j.RegisterAiService;
import io.ragline.model.JsonAnswer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The explainer's two prompts (what the code does step by step, then its risks) on the named model configuration
 * {@code explain} ({@code quarkus.langchain4j.openai.explain.*}, which asks for a JSON object). Each answer is read into
 * its record by an output guardrail that asks once more, in the same conversation, when it is not the JSON object asked
 * for; calls go through {@link io.ragline.gateway.model.GatewayModel#call}.
 */
@RegisterAiService(modelName = "explain")
@ApplicationScoped
public interface ExplainPrompts {

    /** {@code code}: the code with its line numbers. */
    @SystemMessage(fromResource = "prompts/explain-steps.v1.txt")
    @UserMessage("Language: {language}\n<code>\n{code}\n</code>")
    @OutputGuardrails(value = OfSteps.class, maxRetries = 2)
    Result<Steps> steps(@MemoryId Object call, String language, String code);

    @SystemMessage(fromResource = "prompts/explain-risks.v1.txt")
    @UserMessage("Language: {language}\n<code>\n{code}\n</code>\nWhat it does: {summary}")
    @OutputGuardrails(value = OfRisks.class, maxRetries = 2)
    Result<Risks> risks(@MemoryId Object call, String language, String code, String summary);

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Steps(String summary, List<String> steps) {}

    /** Each risk stays a JSON node: one with an odd line is kept without its line, not a reason to re-ask. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Risks(List<JsonNode> risks) {}

    /** The steps answer must have its summary. */
    @Singleton
    class OfSteps extends JsonAnswer<Steps> {
        public OfSteps() {
            super(Steps.class, s -> s.summary() == null ? null : s.steps() == null ? List.of() : s.steps());
        }
    }

    @Singleton
    class OfRisks extends JsonAnswer<Risks> {
        public OfRisks() {
            super(Risks.class, Risks::risks);
        }
    }
}
