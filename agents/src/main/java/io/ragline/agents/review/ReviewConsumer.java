package io.ragline.agents.review;

import io.ragline.contracts.EventJson;
import io.ragline.contracts.InvalidEventException;
import io.ragline.contracts.review.ReviewCompleted;
import io.ragline.contracts.review.ReviewRequested;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.faulttolerance.ExecutionContext;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.FallbackHandler;
import org.eclipse.microprofile.faulttolerance.Retry;
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

    /** When each request's first attempt began, until it is reviewed or given up (the failed outcome's duration). */
    private final Map<String, Long> started = new ConcurrentHashMap<>();

    @Inject
    ReviewService reviews;

    @Inject
    @Channel(OUT)
    MutinyEmitter<ReviewCompleted> completed;

    /**
     * Reviews one request; a failure is retried twice (SmallRye Fault Tolerance: 2 s, then 4 s, with jitter), then
     * {@link GiveUp} publishes the failed outcome and the record goes to the dead-letter topic with the last failure's
     * reason. A record that is not a valid event goes there at once.
     */
    @Incoming(IN)
    @Blocking
    @Retry(
            maxRetries = 2,
            delay = 2,
            delayUnit = ChronoUnit.SECONDS,
            jitter = 500,
            abortOn = InvalidEventException.class)
    @ExponentialBackoff
    @Fallback(value = GiveUp.class, skipOn = InvalidEventException.class)
    public void onRequest(String json) {
        ReviewRequested request = EventJson.fromJson(json, ReviewRequested.class);
        started.putIfAbsent(request.eventId(), System.nanoTime());
        try {
            publish(reviews.review(request));
            started.remove(request.eventId());
        } catch (RuntimeException e) {
            LOG.warnf(
                    "review of %s#%d at %s failed: %s",
                    request.repository(), request.pullNumber(), request.headSha(), e.getMessage());
            throw e;
        }
    }

    /** After the last attempt: the failed outcome is published and the failure rethrown, for the dead-letter topic. */
    @Dependent
    static class GiveUp implements FallbackHandler<Void> {

        @Inject
        ReviewConsumer consumer;

        @Override
        public Void handle(ExecutionContext context) {
            consumer.gaveUp(EventJson.fromJson((String) context.getParameters()[0], ReviewRequested.class));
            Throwable failure = context.getFailure();
            throw failure instanceof RuntimeException r ? r : new IllegalStateException(failure);
        }
    }

    /** Publishes the failed outcome of a request whose last attempt failed. */
    void gaveUp(ReviewRequested request) {
        Long t0 = started.remove(request.eventId());
        publish(ReviewService.withoutReview(
                request, ReviewCompleted.Outcome.FAILED, t0 == null ? System.nanoTime() : t0));
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
}
