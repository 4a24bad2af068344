package io.ragline.ingest.pipeline;

import io.micrometer.core.instrument.MeterRegistry;
import io.ragline.contracts.document.DocumentFailed;
import io.ragline.contracts.document.DocumentIndexed;
import io.ragline.contracts.document.DocumentSubmitted;
import io.ragline.ingest.config.IngestConfig;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * What the indexer publishes: {@code documents.indexed}, {@code documents.failed} (after recording the failure), and
 * {@code documents.dlq} for records that are not valid events, with the reason in {@code dead-letter-reason}. Every
 * send is keyed tenant/documentId and returned as a future the caller waits for before its offsets are committed.
 */
@ApplicationScoped
class Outcomes {

    private static final Logger LOG = Logger.getLogger(Outcomes.class);
    static final String INDEXED_CHANNEL = "documents-indexed";
    static final String FAILED_CHANNEL = "documents-failed";
    static final String DEAD_LETTER_CHANNEL = "documents-dlq";

    @Inject
    IngestConfig config;

    @Inject
    IndexStore store;

    @Inject
    MeterRegistry registry;

    @Inject
    @Channel(INDEXED_CHANNEL)
    MutinyEmitter<DocumentIndexed> indexed;

    @Inject
    @Channel(FAILED_CHANNEL)
    MutinyEmitter<DocumentFailed> failed;

    @Inject
    @Channel(DEAD_LETTER_CHANNEL)
    MutinyEmitter<String> deadLetters;

    /** The outcome of indexing {@code event} into this deployment's index version. */
    DocumentIndexed of(DocumentSubmitted event, int chunks, int embedded, long startNanos) {
        return DocumentIndexed.of(
                event.tenant(),
                event.documentId(),
                event.eventId(),
                event.contentHash(),
                chunks,
                embedded,
                chunks - embedded,
                config.embedding().modelName(),
                config.indexVersion(),
                Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
    }

    CompletableFuture<Void> indexed(DocumentIndexed outcome) {
        return send(indexed, outcome, outcome.partitionKey());
    }

    /** Records a document that cannot be indexed, with the reason, and publishes the failure. */
    CompletableFuture<Void> failed(DocumentSubmitted event, String stage, String reason, String metadataJson) {
        store.markFailed(event, metadataJson, reason);
        registry.counter("ragline.ingest.documents", "outcome", "failed").increment();
        LOG.infof("failed %s at %s: %s", event.partitionKey(), stage, reason);
        DocumentFailed outcome = DocumentFailed.of(event.tenant(), event.documentId(), event.eventId(), stage, reason);
        return send(failed, outcome, outcome.partitionKey());
    }

    /** A record that is not a valid event: to the dead-letter topic, with the reason, so it blocks nothing. */
    CompletableFuture<Void> deadLetter(ConsumerRecord<String, String> record, String reason) {
        LOG.warnf("dead-lettering %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), reason);
        registry.counter("ragline.ingest.dead.letters").increment();
        RecordHeaders headers = new RecordHeaders();
        headers.add("dead-letter-reason", reason.getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-topic", record.topic().getBytes(StandardCharsets.UTF_8));
        headers.add(
                "dead-letter-partition", Integer.toString(record.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-offset", Long.toString(record.offset()).getBytes(StandardCharsets.UTF_8));
        Message<String> message = Message.of(record.value())
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(record.key())
                        .withHeaders(headers)
                        .build());
        return deadLetters.sendMessage(message).subscribeAsCompletionStage();
    }

    /** Sends {@code event} keyed {@code key}; the future completes when the broker acknowledged it. */
    static <T> CompletableFuture<Void> send(MutinyEmitter<T> emitter, T event, String key) {
        Message<T> message = Message.of(event)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(key)
                        .build());
        // subscribed now: a Mutiny emitter sends only once its Uni is subscribed to
        return emitter.sendMessage(message).subscribeAsCompletionStage();
    }
}
