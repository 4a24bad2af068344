package io.ragline.contracts.research;

import io.ragline.contracts.Envelope;
import io.ragline.contracts.RaglineEvent;
import java.time.Instant;
import java.util.Map;

/**
 * A research job was started. Topic {@code research.requested}, keyed by job id.
 *
 * @param jobId the job, whose state lives in PostgreSQL
 * @param breadth sub-questions per level
 * @param depth levels of follow-up questions
 * @param maxSources most sources the report may cite
 * @param filters retrieval filters applied to every search of the job
 */
public record ResearchRequested(
        int schemaVersion,
        String eventId,
        String tenant,
        Instant occurredAt,
        String jobId,
        String question,
        int breadth,
        int depth,
        int maxSources,
        Map<String, Object> filters)
        implements RaglineEvent {

    public static final int SCHEMA_VERSION = 1;

    public ResearchRequested {
        Envelope.check(schemaVersion, eventId, tenant, occurredAt);
        Envelope.requireText(jobId, "jobId");
        Envelope.requireText(question, "question");
        if (breadth < 1 || depth < 1 || maxSources < 1) {
            throw new IllegalArgumentException("breadth, depth and maxSources must be >= 1");
        }
        filters = Envelope.map(filters);
    }

    public static ResearchRequested of(
            String tenant,
            String jobId,
            String question,
            int breadth,
            int depth,
            int maxSources,
            Map<String, Object> filters) {
        return new ResearchRequested(
                SCHEMA_VERSION,
                Envelope.newEventId(),
                tenant,
                Instant.now(),
                jobId,
                question,
                breadth,
                depth,
                maxSources,
                filters);
    }

    public String partitionKey() {
        return jobId;
    }
}
