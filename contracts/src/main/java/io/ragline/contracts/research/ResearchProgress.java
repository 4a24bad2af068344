package io.ragline.contracts.research;

import io.ragline.contracts.Envelope;
import io.ragline.contracts.RaglineEvent;
import java.time.Instant;

/**
 * A research job advanced. Topic {@code research.progress}, keyed by job id; the gateway relays it as Server-Sent
 * Events.
 *
 * @param stage {@code planning}, {@code researching}, {@code writing}, {@code reviewing}, {@code done}, ...
 * @param completedSteps steps done so far
 * @param totalSteps steps planned so far (grows as the plan does)
 */
public record ResearchProgress(
        int schemaVersion,
        String eventId,
        String tenant,
        Instant occurredAt,
        String jobId,
        String stage,
        String message,
        int completedSteps,
        int totalSteps)
        implements RaglineEvent {

    public static final int SCHEMA_VERSION = 1;

    public ResearchProgress {
        Envelope.check(schemaVersion, eventId, tenant, occurredAt);
        Envelope.requireText(jobId, "jobId");
        Envelope.requireText(stage, "stage");
    }

    public static ResearchProgress of(
            String tenant, String jobId, String stage, String message, int completedSteps, int totalSteps) {
        return new ResearchProgress(
                SCHEMA_VERSION,
                Envelope.newEventId(),
                tenant,
                Instant.now(),
                jobId,
                stage,
                message,
                completedSteps,
                totalSteps);
    }

    public String partitionKey() {
        return jobId;
    }
}
