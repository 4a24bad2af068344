package io.ragline.agents.research;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.Result;
import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.service.V;
import dev.langchain4j.service.guardrail.OutputGuardrails;
import io.quarkiverse.langchain4j.RegisterAiService;
import io.ragline.model.JsonAnswer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The research agent's prompts, one method per step (plan, follow-ups, search queries, notes, write, review), on the
 * named model configuration {@code research} ({@code quarkus.langchain4j.openai.research.*}, which asks for a JSON
 * object). The instructions are the versioned files under {@code prompts/}; the data goes in the user message between
 * tags. Each answer is parsed into its record by an output guardrail ({@link JsonAnswer}) that asks once more, in the
 * same conversation, when it is not the JSON object asked for; calls go through
 * {@link io.ragline.agents.model.AgentModel#ask}, whose fault tolerance guards the model server.
 */
@RegisterAiService(modelName = "research")
@ApplicationScoped
public interface ResearchPrompts {

    @SystemMessage(fromResource = "prompts/research-plan.v1.txt")
    @UserMessage("<question>{question}</question>\nSub-questions wanted: {breadth}")
    @OutputGuardrails(value = OfPlan.class, maxRetries = 2)
    Result<Plan> plan(@MemoryId Object call, String question, int breadth);

    @SystemMessage(fromResource = "prompts/research-followup.v1.txt")
    @UserMessage("<question>{question}</question>\n<researched>\n{researched}</researched>\n<notes>\n{notes}</notes>\n"
            + "Follow-up questions wanted: {breadth}")
    @OutputGuardrails(value = OfQuestions.class, maxRetries = 2)
    Result<Questions> followUps(@MemoryId Object call, String question, String researched, String notes, int breadth);

    @SystemMessage(fromResource = "prompts/research-queries.v1.txt")
    @UserMessage("<question>{question}</question>\nQueries wanted: {queries}")
    @OutputGuardrails(value = OfQueries.class, maxRetries = 2)
    Result<Queries> queries(@MemoryId Object call, String question, int queries);

    @SystemMessage(fromResource = "prompts/research-notes.v1.txt")
    @UserMessage("<question>{question}</question>\n<passages>\n{passages}</passages>")
    @OutputGuardrails(value = OfNotes.class, maxRetries = 2)
    Result<Notes> notes(@MemoryId Object call, String question, String passages);

    /** {@code revision} is empty for a first draft, else the draft and the reviewer's issues between tags. */
    @SystemMessage(fromResource = "prompts/research-write.v1.txt")
    @UserMessage("<question>{question}</question>\n<outline>\n{outline}</outline>\n<notes>\n{notes}</notes>{revision}")
    @OutputGuardrails(value = OfDraft.class, maxRetries = 2)
    Result<Draft> write(@MemoryId Object call, String question, String outline, String notes, String revision);

    @SystemMessage(fromResource = "prompts/research-review.v1.txt")
    @UserMessage("{claims}")
    @OutputGuardrails(value = OfVerdicts.class, maxRetries = 2)
    Result<Verdicts> review(@MemoryId Object call, String claims, @V(JsonAnswer.EXPECTED) int expected);

    /** The report's outline and the sub-questions to research. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Plan(List<String> outline, List<String> questions) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Questions(List<String> questions) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Queries(List<String> queries) {}

    /** Notes, each with the (1-based) numbers of the passages it rests on. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Notes(List<Note> notes) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Note(String text, List<Integer> passages) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Draft(String title, List<DraftSection> sections) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record DraftSection(String heading, List<DraftClaim> claims) {}

    /** A claim with the (1-based) reference numbers of its sources. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record DraftClaim(String text, List<Integer> sources) {}

    /** One verdict per claim, in order: 1 supported, 0 not. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Verdicts(List<Verdict> verdicts) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Verdict(int verdict, String reason) {}

    /** A plan must name at least one sub-question. */
    @Singleton
    class OfPlan extends JsonAnswer<Plan> {
        public OfPlan() {
            super(Plan.class, p -> p.questions() == null || p.questions().isEmpty() ? null : p.questions());
        }
    }

    @Singleton
    class OfQuestions extends JsonAnswer<Questions> {
        public OfQuestions() {
            super(Questions.class, Questions::questions);
        }
    }

    @Singleton
    class OfQueries extends JsonAnswer<Queries> {
        public OfQueries() {
            super(Queries.class, Queries::queries);
        }
    }

    @Singleton
    class OfNotes extends JsonAnswer<Notes> {
        public OfNotes() {
            super(Notes.class, Notes::notes);
        }
    }

    @Singleton
    class OfDraft extends JsonAnswer<Draft> {
        public OfDraft() {
            super(Draft.class, Draft::sections);
        }
    }

    @Singleton
    class OfVerdicts extends JsonAnswer<Verdicts> {
        public OfVerdicts() {
            super(Verdicts.class, Verdicts::verdicts);
        }
    }
}
