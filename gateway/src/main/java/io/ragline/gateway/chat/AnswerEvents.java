package io.ragline.gateway.chat;

import io.quarkus.scheduler.Scheduled;
import io.ragline.contracts.EventJson;
import io.ragline.contracts.answer.AnswerProduced;
import io.ragline.gateway.config.GatewayConfig;
import io.ragline.gateway.outbox.EventOutbox;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Publishes answer-produced for the judge, keyed {@code tenant/conversationId}, through the outbox: the event is
 * stored with the turn ({@link ConversationStore#append}), published at once without the user's answer waiting for the
 * broker, and leaves the outbox when the broker acknowledges it. Events left behind (the broker refused or was down,
 * the gateway stopped before the acknowledgement) are published again by {@link #redrive()} on whichever instance
 * claims them first.
 */
@ApplicationScoped
public class AnswerEvents {

    public static final String CHANNEL = "answers-produced";
    public static final String TOPIC = "answers.produced";
    private static final Logger LOG = Logger.getLogger(AnswerEvents.class);

    @Inject
    @Channel(CHANNEL)
    MutinyEmitter<AnswerProduced> emitter;

    @Inject
    EventOutbox outbox;

    @Inject
    GatewayConfig config;

    /** The outbox entry to store with the turn. */
    static EventOutbox.Entry entry(AnswerProduced event) {
        return EventOutbox.Entry.of(event.eventId(), TOPIC, event.partitionKey(), event);
    }

    /** Publishes a stored event now; the answer does not wait: the outbox keeps it until the broker has it. */
    void publish(AnswerProduced event) {
        send(event)
                .subscribe()
                .with(
                        ok -> published(event.eventId()),
                        e -> failed(event.eventId(), e, "answer " + event.eventId() + " not published yet"));
    }

    /**
     * Publishes the events whose publication did not finish within {@code gateway.outbox.redrive-after}, a batch at a
     * time, each claimed by this instance for {@code gateway.outbox.lease}; returns how many the broker acknowledged.
     */
    public int redrive() {
        GatewayConfig.Outbox settings = config.outbox();
        List<EventOutbox.Entry> due;
        try {
            due = outbox.claim(TOPIC, settings.redriveAfter(), settings.lease(), settings.batch());
        } catch (SQLException e) {
            LOG.debugf("outbox not read: %s", e.getMessage());
            return 0;
        }
        int sent = 0;
        for (EventOutbox.Entry entry : due) {
            AnswerProduced event = EventJson.fromJson(entry.payload(), AnswerProduced.class);
            try {
                send(event).await().atMost(settings.sendTimeout());
                published(entry.eventId());
                sent++;
            } catch (RuntimeException e) {
                // the broker is still away: the rest of the batch would fail alike; the lease ends, the next claim
                // tries
                failed(entry.eventId(), e, "answer " + entry.eventId() + " still not published");
                break;
            }
        }
        if (sent > 0) {
            LOG.infof("published %d answer-produced event(s) left in the outbox", sent);
        }
        return sent;
    }

    @Scheduled(
            every = "${gateway.outbox.sweep-every}",
            delayed = "${gateway.outbox.sweep-every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        redrive();
    }

    private io.smallrye.mutiny.Uni<Void> send(AnswerProduced event) {
        Message<AnswerProduced> message = Message.of(event)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(event.partitionKey())
                        .build());
        return emitter.sendMessage(message);
    }

    private void published(String eventId) {
        try {
            outbox.published(eventId);
        } catch (SQLException e) {
            // published twice later at worst: the judge keeps one judgement per answer
            LOG.debugf("answer %s published, its outbox row stays for now: %s", eventId, e.getMessage());
        }
    }

    private void failed(String eventId, Throwable error, String message) {
        LOG.warnf(
                "%s (%s); kept in the outbox, published again within %s",
                message,
                error.getMessage(),
                config.outbox().redriveAfter().plus(config.outbox().sweepEvery()));
        try {
            outbox.failed(eventId, error.getMessage());
        } catch (SQLException e) {
            LOG.debugf("outbox row of %s not updated: %s", eventId, e.getMessage());
        }
    }
}
