package io.ragline.contracts.review;

import io.ragline.contracts.Envelope;
import io.ragline.contracts.RaglineEvent;
import io.ragline.contracts.TokenUsage;
import java.time.Instant;
import java.util.List;

/**
 * A review was posted (or deliberately not). Topic {@code reviews.completed}, keyed like {@link ReviewRequested}.
 *
 * @param requestEventId the {@link ReviewRequested} event this answers
 * @param outcome what happened
 * @param mode {@code model} or {@code deterministic} (no model configured: rule-based checks only)
 * @param findings what the review said, as posted
 * @param filesSkipped files left out of the review and why ({@code path: reason})
 * @param partial true when the model timed out and only part of the diff was reviewed
 * @param reviewUrl the posted review, when one was posted
 */
public record ReviewCompleted(
        int schemaVersion,
        String eventId,
        String tenant,
        Instant occurredAt,
        String requestEventId,
        String repository,
        int pullNumber,
        String headSha,
        Outcome outcome,
        String mode,
        String model,
        List<Finding> findings,
        List<String> filesSkipped,
        boolean partial,
        String reviewUrl,
        long durationMs,
        TokenUsage usage)
        implements RaglineEvent {

    public static final int SCHEMA_VERSION = 1;

    public ReviewCompleted {
        Envelope.check(schemaVersion, eventId, tenant, occurredAt);
        Envelope.requireText(repository, "repository");
        Envelope.require(outcome, "outcome");
        findings = Envelope.list(findings);
        filesSkipped = Envelope.list(filesSkipped);
        usage = usage == null ? TokenUsage.NONE : usage;
    }

    public static ReviewCompleted of(
            String tenant,
            String requestEventId,
            String repository,
            int pullNumber,
            String headSha,
            Outcome outcome,
            String mode,
            String model,
            List<Finding> findings,
            List<String> filesSkipped,
            boolean partial,
            String reviewUrl,
            long durationMs,
            TokenUsage usage) {
        return new ReviewCompleted(
                SCHEMA_VERSION,
                Envelope.newEventId(),
                tenant,
                Instant.now(),
                requestEventId,
                repository,
                pullNumber,
                headSha,
                outcome,
                mode,
                model,
                findings,
                filesSkipped,
                partial,
                reviewUrl,
                durationMs,
                usage);
    }

    public String partitionKey() {
        return repository + "#" + pullNumber;
    }

    /** What became of a review request. */
    public enum Outcome {
        POSTED,
        /** A newer head SHA arrived before this one was reviewed. */
        SUPERSEDED,
        /** A review for this head SHA had already been posted. */
        DUPLICATE,
        FAILED
    }

    /**
     * One inline finding.
     *
     * @param side {@code RIGHT} (added/context line) or {@code LEFT} (removed line)
     * @param severity {@code info}, {@code minor}, {@code major}, {@code critical}
     * @param source {@code model} or {@code check} (deterministic); added in v1, null in older events
     * @param excerpt the diff lines around the finding in unified format (the line itself marked {@code >}), what the
     *     judge checks the finding against; added in v1, null in older events
     */
    public record Finding(
            String path,
            int line,
            String side,
            String severity,
            String category,
            String message,
            String suggestion,
            String source,
            String excerpt) {}
}
