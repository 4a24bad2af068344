package io.ragline.gateway.chat;

import io.ragline.contracts.answer.AnswerProduced;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Publishes answer-produced for the judge, keyed {@code tenant/conversationId}. The user's answer does not wait for
 * the broker: a failed publication is logged, the stored turn keeps the event id.
 */
@ApplicationScoped
public class AnswerEvents {

    public static final String CHANNEL = "answers-produced";
    private static final Logger LOG = Logger.getLogger(AnswerEvents.class);

    @Inject
    @Channel(CHANNEL)
    MutinyEmitter<AnswerProduced> emitter;

    void publish(AnswerProduced event) {
        Message<AnswerProduced> message = Message.of(event)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(event.partitionKey())
                        .build());
        emitter.sendMessage(message)
                .subscribe()
                .with(ok -> {}, e -> LOG.warnf("answer %s not published: %s", event.eventId(), e.getMessage()));
    }
}
