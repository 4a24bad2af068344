package io.ragline.contracts.research;

import io.ragline.contracts.Envelope;
import io.ragline.contracts.RaglineEvent;
import java.time.Instant;

/**
 * One step of a research job to run. Topic {@code research.steps}. A researcher step (one sub-question) is keyed
 * {@code jobId/stepId}, so one job's sub-questions spread over the partitions and every instance of the group takes
 * its share; the job's other steps (write, review) are keyed by job id. What a step needs beyond its id (the
 * sub-question, the notes, the draft) is in the job's state in PostgreSQL; a redelivered step whose result is stored
 * is skipped.
 *
 * @param stepId unique within the job: {@code research-L-N} (level L, sub-question N), {@code write-R},
 *     {@code review-R} (revision round R)
 * @param kind what the step does
 */
public record ResearchStep(
        int schemaVersion, String eventId, String tenant, Instant occurredAt, String jobId, String stepId, Kind kind)
        implements RaglineEvent {

    public static final int SCHEMA_VERSION = 1;

    public ResearchStep {
        Envelope.check(schemaVersion, eventId, tenant, occurredAt);
        Envelope.requireText(jobId, "jobId");
        Envelope.requireText(stepId, "stepId");
        Envelope.require(kind, "kind");
    }

    public static ResearchStep of(String tenant, String jobId, String stepId, Kind kind) {
        return new ResearchStep(SCHEMA_VERSION, Envelope.newEventId(), tenant, Instant.now(), jobId, stepId, kind);
    }

    public String partitionKey() {
        return kind == Kind.RESEARCH ? jobId + "/" + stepId : jobId;
    }

    /** The kinds of steps. */
    public enum Kind {
        /** Answer one sub-question: queries, retrieval, notes. */
        RESEARCH,
        /** Write (or revise) the report from the notes. */
        WRITE,
        /** Check the report's claims against their notes. */
        REVIEW
    }
}
