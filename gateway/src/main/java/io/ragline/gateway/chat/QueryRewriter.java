package io.ragline.gateway.chat;

import dev.langchain4j.service.Result;
import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.UserMessage;
import io.quarkiverse.langchain4j.RegisterAiService;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A follow-up question rewritten into a standalone search query, on the named model configuration
 * {@code query-rewrite} ({@code quarkus.langchain4j.openai.query-rewrite.*}, so that a small or fine-tuned model can do
 * it). Stateless: the conversation travels in the message ({@link GroundedPrompt#rewrite}), nothing is remembered
 * between calls. Called through {@link io.ragline.gateway.model.GatewayModel#call}.
 */
@RegisterAiService(
        modelName = "query-rewrite",
        chatMemoryProviderSupplier = RegisterAiService.NoChatMemoryProviderSupplier.class)
@ApplicationScoped
public interface QueryRewriter {

    @SystemMessage(fromResource = "prompts/query-rewrite.v1.txt")
    @UserMessage("{conversation}")
    Result<String> rewrite(String conversation);
}
