package io.ragline.agents.review;

import io.ragline.agents.config.AgentsConfig;
import io.ragline.contracts.EventJson;
import io.ragline.contracts.review.ReviewCompleted;
import io.ragline.contracts.review.ReviewRequested;
import io.ragline.model.ModelServer;
import io.ragline.model.ModelSettings;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes {@code reviews.requested} in the consumer group {@code agents-review}: keys are {@code owner/repo#number},
 * so one pull request's requests are handled in order by one instance while instances share the pull requests. The
 * offset is committed after the review: a worker killed mid-review leaves the request to be handled again, and the
 * review store and the marker on GitHub keep it from being posted twice. A record that is not a valid event, or whose
 * review keeps failing, goes to {@code reviews.dlq} with the reason.
 */
@ApplicationScoped
public class ReviewConsumer {

    public static final String IN = "reviews-requested";
    public static final String OUT = "reviews-completed";
    private static final Logger LOG = Logger.getLogger(ReviewConsumer.class);
    private static final int ATTEMPTS = 3;

    @Inject
    ReviewService reviews;

    @Inject
    @Channel(OUT)
    MutinyEmitter<ReviewCompleted> completed;

    @Incoming(IN)
    @Blocking
    public void onRequest(String json) {
        ReviewRequested request = EventJson.fromJson(json, ReviewRequested.class);
        long started = System.nanoTime();
        RuntimeException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                publish(reviews.review(request));
                return;
            } catch (RuntimeException e) {
                last = e;
                LOG.warnf(
                        "review of %s#%d at %s failed (attempt %d of %d): %s",
                        request.repository(),
                        request.pullNumber(),
                        request.headSha(),
                        attempt,
                        ATTEMPTS,
                        e.getMessage());
                sleep(Duration.ofSeconds(2L * attempt));
            }
        }
        publish(ReviewService.withoutReview(request, ReviewCompleted.Outcome.FAILED, started));
        throw last; // to the dead-letter topic, with the reason
    }

    private void publish(ReviewCompleted event) {
        completed
                .sendMessage(Message.of(event)
                        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                                .withKey(event.partitionKey())
                                .build()))
                .await()
                .atMost(Duration.ofSeconds(10));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The model server for reviews and research. */
    @Produces
    @Singleton
    static ModelServer modelServer(AgentsConfig config) {
        AgentsConfig.Model m = config.model();
        return new ModelServer(new ModelSettings(
                m.baseUrl(),
                m.apiKey(),
                m.name(),
                m.tasks(),
                m.timeout(),
                m.maxRetries(),
                m.initialBackoff(),
                m.maxTokens(),
                0.1,
                m.breakerFailures(),
                m.breakerOpenFor()));
    }
}
