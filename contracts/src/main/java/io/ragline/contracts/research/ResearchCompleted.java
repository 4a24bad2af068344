package io.ragline.contracts.research;

import io.ragline.contracts.Envelope;
import io.ragline.contracts.RaglineEvent;
import io.ragline.contracts.TokenUsage;
import java.time.Instant;
import java.util.List;

/**
 * A research job ended. Topic {@code research.completed}, keyed by job id.
 *
 * @param status how it ended
 * @param mode {@code model} or {@code extractive}
 * @param reportMarkdown the report, every factual sentence citing {@code [n]}
 * @param sources the reference list; {@code [n]} is {@code sources.get(n - 1)}
 * @param missing sub-questions that failed or ran out of budget, named in the report
 */
public record ResearchCompleted(
        int schemaVersion,
        String eventId,
        String tenant,
        Instant occurredAt,
        String jobId,
        String question,
        Status status,
        String mode,
        String reportMarkdown,
        List<Source> sources,
        List<String> missing,
        long durationMs,
        TokenUsage usage)
        implements RaglineEvent {

    public static final int SCHEMA_VERSION = 1;

    public ResearchCompleted {
        Envelope.check(schemaVersion, eventId, tenant, occurredAt);
        Envelope.requireText(jobId, "jobId");
        Envelope.require(status, "status");
        sources = Envelope.list(sources);
        missing = Envelope.list(missing);
        usage = usage == null ? TokenUsage.NONE : usage;
    }

    public static ResearchCompleted of(
            String tenant,
            String jobId,
            String question,
            Status status,
            String mode,
            String reportMarkdown,
            List<Source> sources,
            List<String> missing,
            long durationMs,
            TokenUsage usage) {
        return new ResearchCompleted(
                SCHEMA_VERSION,
                Envelope.newEventId(),
                tenant,
                Instant.now(),
                jobId,
                question,
                status,
                mode,
                reportMarkdown,
                sources,
                missing,
                durationMs,
                usage);
    }

    public String partitionKey() {
        return jobId;
    }

    /** How a research job ended. */
    public enum Status {
        COMPLETED,
        /** Ended early on a step, token or time budget; the report says what is missing. */
        BUDGET_EXHAUSTED,
        CANCELLED,
        FAILED
    }

    /** One entry of the reference list. */
    public record Source(int number, String chunkId, String documentId, String title) {}
}
