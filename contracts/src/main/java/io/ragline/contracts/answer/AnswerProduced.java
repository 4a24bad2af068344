package io.ragline.contracts.answer;

import io.ragline.contracts.Envelope;
import io.ragline.contracts.RaglineEvent;
import io.ragline.contracts.TokenUsage;
import java.time.Instant;
import java.util.List;

/**
 * The gateway answered a question. Topic {@code answers.produced}, keyed by {@code tenant/conversationId}; the judge
 * samples and scores it.
 *
 * @param conversationId conversation the turn belongs to
 * @param question the user's message
 * @param standaloneQuery the query actually searched (the question rewritten with its history), if different
 * @param answer the text returned to the user
 * @param citedChunkIds chunk ids the answer cites, in citation order ([1] is the first)
 * @param contexts the retrieved passages the answer was built from, for faithfulness scoring
 * @param model model name, or {@code none} in extractive mode
 * @param mode how the answer was produced
 * @param latencies where the time went
 * @param usage tokens spent
 */
public record AnswerProduced(
        int schemaVersion,
        String eventId,
        String tenant,
        Instant occurredAt,
        String conversationId,
        String question,
        String standaloneQuery,
        String answer,
        List<String> citedChunkIds,
        List<RetrievedContext> contexts,
        String model,
        AnswerMode mode,
        Latencies latencies,
        TokenUsage usage)
        implements RaglineEvent {

    public static final int SCHEMA_VERSION = 1;

    public AnswerProduced {
        Envelope.check(schemaVersion, eventId, tenant, occurredAt);
        Envelope.requireText(question, "question");
        Envelope.require(answer, "answer");
        Envelope.require(mode, "mode");
        citedChunkIds = Envelope.list(citedChunkIds);
        contexts = Envelope.list(contexts);
        latencies = latencies == null ? new Latencies(0, 0, 0) : latencies;
        usage = usage == null ? TokenUsage.NONE : usage;
    }

    public static AnswerProduced of(
            String tenant,
            String conversationId,
            String question,
            String standaloneQuery,
            String answer,
            List<String> citedChunkIds,
            List<RetrievedContext> contexts,
            String model,
            AnswerMode mode,
            Latencies latencies,
            TokenUsage usage) {
        return new AnswerProduced(
                SCHEMA_VERSION,
                Envelope.newEventId(),
                tenant,
                Instant.now(),
                conversationId,
                question,
                standaloneQuery,
                answer,
                citedChunkIds,
                contexts,
                model,
                mode,
                latencies,
                usage);
    }

    public String partitionKey() {
        return tenant + "/" + (conversationId == null ? eventId : conversationId);
    }

    /** How an answer was produced. */
    public enum AnswerMode {
        /** A model wrote it from the retrieved passages. */
        GENERATIVE,
        /** No model was available: the best-supported sentences of the passages, cited. */
        EXTRACTIVE,
        /** Nothing retrieved was relevant enough: the documents do not cover the question. */
        NO_EVIDENCE
    }

    /** A retrieved passage as the answer saw it. */
    public record RetrievedContext(String chunkId, String documentId, double score, String text) {}

    /** Milliseconds spent in each stage. */
    public record Latencies(long retrievalMs, long generationMs, long totalMs) {}
}
