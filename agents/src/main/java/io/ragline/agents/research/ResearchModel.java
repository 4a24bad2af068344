package io.ragline.agents.research;

import dev.langchain4j.service.Result;
import io.ragline.agents.model.AgentModel;
import io.ragline.model.AiCalls;
import java.util.function.BiFunction;

/** The research steps' model: their AI service, called through the agents' guarded model bean. */
record ResearchModel(AgentModel model, ResearchPrompts prompts) {

    boolean available() {
        return model.available();
    }

    AiCalls.Tally tally() {
        return model.tally();
    }

    /** The answer of one call of {@link ResearchPrompts}, counted in {@code tally}. */
    <T> T ask(AiCalls.Tally tally, BiFunction<ResearchPrompts, Object, Result<T>> call) {
        return tally.add(() -> model.ask(prompts, call));
    }
}
