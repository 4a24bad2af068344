package io.ragline.contracts.review;

import io.ragline.contracts.Envelope;
import io.ragline.contracts.RaglineEvent;
import java.time.Instant;

/**
 * A pull request needs a review. Topic {@code reviews.requested}, keyed by {@code owner/repo#number} so one PR's
 * reviews stay ordered and a newer head SHA supersedes a pending older one.
 *
 * @param deliveryId GitHub's {@code X-GitHub-Delivery}, for deduplication
 * @param repository {@code owner/repo}
 * @param pullNumber the pull request number
 * @param headSha the commit to review
 * @param baseSha the commit it is compared with
 * @param action the webhook action that triggered it ({@code opened}, {@code synchronize}, ...)
 * @param installationId GitHub App installation, when the App authenticates
 * @param apiBaseUrl GitHub REST API base URL (GitHub Enterprise), when not the default
 */
public record ReviewRequested(
        int schemaVersion,
        String eventId,
        String tenant,
        Instant occurredAt,
        String deliveryId,
        String repository,
        int pullNumber,
        String headSha,
        String baseSha,
        String action,
        Long installationId,
        String apiBaseUrl)
        implements RaglineEvent {

    public static final int SCHEMA_VERSION = 1;

    public ReviewRequested {
        Envelope.check(schemaVersion, eventId, tenant, occurredAt);
        Envelope.requireText(repository, "repository");
        Envelope.requireText(headSha, "headSha");
        if (pullNumber <= 0) {
            throw new IllegalArgumentException("pullNumber must be positive, was " + pullNumber);
        }
    }

    public static ReviewRequested of(
            String tenant,
            String deliveryId,
            String repository,
            int pullNumber,
            String headSha,
            String baseSha,
            String action,
            Long installationId,
            String apiBaseUrl) {
        return new ReviewRequested(
                SCHEMA_VERSION,
                Envelope.newEventId(),
                tenant,
                Instant.now(),
                deliveryId,
                repository,
                pullNumber,
                headSha,
                baseSha,
                action,
                installationId,
                apiBaseUrl);
    }

    /** {@code owner/repo#number}. */
    public String partitionKey() {
        return repository + "#" + pullNumber;
    }
}
