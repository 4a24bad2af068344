package io.ragline.judge.model;

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
import java.util.List;

/**
 * The judge model's prompts, one method per step of a metric, on the named model configuration {@code judge}
 * ({@code quarkus.langchain4j.openai.judge.*}, which asks for a JSON object). The instructions are the versioned files
 * under {@code prompts/}; the data goes in the user message between tags. Each answer is parsed into its record by an
 * output guardrail ({@link JsonAnswer}, one per record in {@link JudgeAnswers}) that asks once more, in the same conversation, when the answer is not the JSON
 * object asked for or has the wrong number of entries ({@code maxRetries = 2}: LangChain4j counts the answers it
 * reads, so the re-asked one is read too; a second wrong one ends the call). The conversation lives under the
 * {@link MemoryId} of one call
 * and is removed after it ({@link JudgeModel#ask}); calls go through {@link JudgeModel}, whose fault tolerance guards
 * the model server.
 */
@RegisterAiService(modelName = "judge")
@ApplicationScoped
public interface MetricPrompts {

    @SystemMessage(fromResource = "prompts/faithfulness-statements.v1.txt")
    @UserMessage("<question>{question}</question>\n<answer>{answer}</answer>")
    @OutputGuardrails(value = JudgeAnswers.OfStatements.class, maxRetries = 2)
    Result<Statements> statements(@MemoryId Object call, String question, String answer);

    @SystemMessage(fromResource = "prompts/faithfulness-verdicts.v1.txt")
    @UserMessage("<context>\n{context}</context>\n<statements>\n{statements}</statements>")
    @OutputGuardrails(value = JudgeAnswers.OfVerdicts.class, maxRetries = 2)
    Result<Verdicts> statementVerdicts(
            @MemoryId Object call, String context, String statements, @V(JsonAnswer.EXPECTED) int expected);

    @SystemMessage(fromResource = "prompts/answer-relevancy.v1.txt")
    @UserMessage("<answer>{answer}</answer>")
    @OutputGuardrails(value = JudgeAnswers.OfQuestions.class, maxRetries = 2)
    Result<Questions> questions(@MemoryId Object call, String answer);

    @SystemMessage(fromResource = "prompts/context-precision.v1.txt")
    @UserMessage("<question>{question}</question>\n<answer>{answer}</answer>\n<passages>\n{passages}</passages>")
    @OutputGuardrails(value = JudgeAnswers.OfVerdicts.class, maxRetries = 2)
    Result<Verdicts> passageVerdicts(
            @MemoryId Object call,
            String question,
            String answer,
            String passages,
            @V(JsonAnswer.EXPECTED) int expected);

    @SystemMessage(fromResource = "prompts/context-recall.v1.txt")
    @UserMessage("<question>{question}</question>\n<context>\n{context}</context>\n<reference>{reference}</reference>")
    @OutputGuardrails(value = JudgeAnswers.OfClassifications.class, maxRetries = 2)
    Result<Classifications> classifications(@MemoryId Object call, String question, String context, String reference);

    @SystemMessage(fromResource = "prompts/review-findings.v1.txt")
    @UserMessage("<repository>{repository}</repository>\n{findings}")
    @OutputGuardrails(value = JudgeAnswers.OfFindingVerdicts.class, maxRetries = 2)
    Result<FindingVerdicts> findingVerdicts(
            @MemoryId Object call, String repository, String findings, @V(JsonAnswer.EXPECTED) int expected);

    /** The statements an answer makes. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Statements(List<String> statements) {}

    /** A 0/1 verdict per statement or passage, in order. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Verdicts(List<Verdict> verdicts) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Verdict(String reason, int verdict) {}

    /** The questions an answer answers, and whether it is noncommittal (0 or 1). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Questions(List<String> questions, int noncommittal) {}

    /** Each statement of a reference answer, attributed (1) to the context or not (0). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Classifications(List<Classification> classifications) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Classification(String statement, String reason, int attributed) {}

    /** Per review finding, in order: valid (0/1) and actionable (0/1). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record FindingVerdicts(List<FindingVerdict> verdicts) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record FindingVerdict(int finding, String reason, int valid, int actionable) {}
}
