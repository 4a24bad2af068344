package io.ragline.gateway.chat;

import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import io.ragline.contracts.answer.AnswerProduced;
import io.ragline.contracts.outbox.EventOutbox;
import io.ragline.gateway.config.GatewayConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Publishes answer-produced for the judge, keyed {@code tenant/conversationId}, through the event outbox: the event is
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
    AgroalDataSource dataSource;

    @Inject
    GatewayConfig config;

    /** The gateway's outbox table (gateway schema V1). */
    static final String OUTBOX = "gateway_outbox";

    private EventOutbox outbox;

    @PostConstruct
    void init() {
        outbox = new EventOutbox(dataSource, OUTBOX);
    }

    /** The outbox entry to store with the turn. */
    static EventOutbox.Entry entry(AnswerProduced event) {
        return EventOutbox.Entry.of(event.eventId(), TOPIC, event.partitionKey(), event);
    }

    /** Publishes a stored event now; the answer does not wait: the outbox keeps it until the broker has it. */
    void publish(AnswerProduced event) {
        send(event).subscribe().with(ok -> published(event.eventId()), e -> kept(event.eventId(), e));
    }

    /**
     * Publishes the events whose publication did not finish within {@code gateway.outbox.redrive-after}, a batch at a
     * time, each claimed by this instance for {@code gateway.outbox.lease}; returns how many the broker acknowledged.
     */
    public int redrive() {
        GatewayConfig.Outbox settings = config.outbox();
        try {
            EventOutbox.Redriven r = outbox.redrive(
                    TOPIC,
                    settings.redriveAfter(),
                    settings.lease(),
                    settings.batch(),
                    entry -> send(entry.event(AnswerProduced.class)).await().atMost(settings.sendTimeout()));
            if (r.published() > 0) {
                LOG.infof("published %d answer-produced event(s) left in the outbox", r.published());
            }
            if (r.failure() != null) {
                LOG.warnf("answer-produced events still not published (%s); tried again later", r.failure());
            }
            return r.published();
        } catch (SQLException e) {
            LOG.debugf("outbox not read: %s", e.getMessage());
            return 0;
        }
    }

    @Scheduled(
            every = "${gateway.outbox.sweep-every}",
            delayed = "${gateway.outbox.sweep-every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        redrive();
    }

    private Uni<Void> send(AnswerProduced event) {
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
            // published again later at worst: the judge keeps one judgement per answer
            LOG.debugf("answer %s published, its outbox row stays for now: %s", eventId, e.getMessage());
        }
    }

    private void kept(String eventId, Throwable error) {
        LOG.warnf(
                "answer %s not published yet (%s); kept in the outbox, published again within %s",
                eventId,
                error.getMessage(),
                config.outbox().redriveAfter().plus(config.outbox().sweepEvery()));
        try {
            outbox.failed(eventId, error.getMessage());
        } catch (SQLException e) {
            LOG.debugf("outbox row of %s not updated: %s", eventId, e.getMessage());
        }
    }
}
