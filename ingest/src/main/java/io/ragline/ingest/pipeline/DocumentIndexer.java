package io.ragline.ingest.pipeline;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.ragline.contracts.EventJson;
import io.ragline.contracts.document.DocumentDeleted;
import io.ragline.contracts.document.DocumentFailed;
import io.ragline.contracts.document.DocumentIndexed;
import io.ragline.contracts.document.DocumentSubmitted;
import io.ragline.ingest.config.IngestConfig;
import io.ragline.ingest.embedding.TokenCounter;
import io.ragline.ingest.parse.DocumentParser;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * The indexing pipeline. Reads {@code documents.submitted} and {@code documents.deleted} (consumer group
 * {@code ingest}; records keyed tenant/documentId, so one document's events are handled in order by one instance),
 * writes {@code documents} and {@code chunks}, and publishes {@code documents.indexed} or {@code documents.failed}.
 *
 * <p>Effects are exactly-once per event id (recorded in the same transaction); an unchanged document computes no
 * embeddings; a record that is not a valid event goes to {@code documents.dlq} with the reason.
 */
@ApplicationScoped
public class DocumentIndexer {

    private static final Logger LOG = Logger.getLogger(DocumentIndexer.class);
    static final String SUBMITTED_CHANNEL = "documents-submitted";
    static final String DELETED_CHANNEL = "documents-deleted";
    static final String INDEXED_CHANNEL = "documents-indexed";
    static final String FAILED_CHANNEL = "documents-failed";
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    @Inject
    IngestConfig config;

    @Inject
    EmbeddingModel embeddingModel;

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

    private Chunker chunker;
    private DocumentParser parser;
    private TokenCounter tokens;

    @PostConstruct
    void init() {
        tokens = TokenCounter.bgeSmall();
        chunker = new Chunker(config.chunking().maxTokens(), config.chunking().overlapTokens(), tokens::count);
        parser = new DocumentParser(config.maxTextChars());
    }

    @Incoming(SUBMITTED_CHANNEL)
    @Blocking
    public void onSubmitted(String json) throws SQLException {
        DocumentSubmitted event = EventJson.fromJson(json, DocumentSubmitted.class);
        withRetries("index " + event.partitionKey(), () -> index(event));
    }

    @Incoming(DELETED_CHANNEL)
    @Blocking
    public void onDeleted(String json) throws SQLException {
        DocumentDeleted event = EventJson.fromJson(json, DocumentDeleted.class);
        withRetries("delete " + event.partitionKey(), () -> {
            int removed = store.delete(event.eventId(), event.tenant(), event.documentId(), event.occurredAt());
            LOG.infof("deleted %s: %d chunk(s) removed", event.partitionKey(), removed);
            return null;
        });
    }

    private Void index(DocumentSubmitted event) throws SQLException {
        long startNanos = System.nanoTime();
        String model = config.embedding().modelName();
        int indexVersion = config.indexVersion();
        if (store.alreadyProcessed(event.eventId())) {
            LOG.debugf("event %s already applied", event.eventId());
            return null;
        }
        Optional<IndexStore.Current> current = store.current(event.tenant(), event.documentId());
        if (current.isPresent() && current.get().versionAt().isAfter(event.occurredAt())) {
            LOG.infof("ignoring %s: a newer version of the document was already applied", event.partitionKey());
            store.markProcessed(event.eventId());
            return null;
        }
        String metadataJson = EventJson.toJson(event.metadata());
        if (current.isPresent()
                && "indexed".equals(current.get().status())
                && event.contentHash().equals(current.get().contentHash())
                && model.equals(current.get().embeddingModel())
                && indexVersion == current.get().indexVersion()) {
            int chunkCount = store.touch(
                    event.eventId(),
                    event.tenant(),
                    event.documentId(),
                    event.title(),
                    metadataJson,
                    event.occurredAt());
            registry.counter("ragline.ingest.documents", "outcome", "unchanged").increment();
            long durationMs = Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
            DocumentIndexed outcome = DocumentIndexed.of(
                    event.tenant(),
                    event.documentId(),
                    event.eventId(),
                    event.contentHash(),
                    chunkCount,
                    0,
                    chunkCount,
                    model,
                    indexVersion,
                    durationMs);
            send(indexed, outcome, outcome.partitionKey());
            return null;
        }
        String text;
        try {
            text = text(event);
        } catch (DocumentParser.UnparseableException e) {
            fail(event, "parse", e.getMessage(), metadataJson);
            return null;
        }
        List<Chunker.Chunk> chunks = chunker.split(text);
        if (chunks.isEmpty()) {
            fail(event, "parse", "the document has no text", metadataJson);
            return null;
        }
        Map<String, float[]> reusable = current.isPresent()
                ? store.reusableEmbeddings(event.tenant(), event.documentId(), model, indexVersion)
                : Map.of();
        List<IndexStore.StoredChunk> stored = new ArrayList<>(chunks.size());
        List<Integer> toEmbed = new ArrayList<>();
        for (Chunker.Chunk chunk : chunks) {
            String hash = sha256(chunk.text());
            String id = sha256(event.tenant() + "\u0000" + event.documentId() + "\u0000" + chunk.ordinal() + "\u0000"
                            + hash)
                    .substring(0, 32);
            float[] vector = reusable.get(hash);
            if (vector == null) {
                toEmbed.add(stored.size());
            }
            stored.add(new IndexStore.StoredChunk(
                    id, chunk.ordinal(), chunk.text(), hash, chunk.start(), chunk.end(), chunk.headingPath(), vector));
        }
        embed(stored, toEmbed);
        store.replace(
                event.eventId(),
                event.tenant(),
                event.documentId(),
                event.title(),
                event.source(),
                event.mediaType(),
                event.contentHash(),
                event.sizeBytes(),
                metadataJson,
                event.occurredAt(),
                model,
                indexVersion,
                stored);
        long durationMs = Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
        registry.counter("ragline.ingest.chunks.embedded").increment(toEmbed.size());
        registry.counter("ragline.ingest.chunks.reused").increment(stored.size() - toEmbed.size());
        registry.counter("ragline.ingest.documents", "outcome", "indexed").increment();
        LOG.infof(
                "indexed %s: %d chunk(s), %d embedded, %d reused, %d ms",
                event.partitionKey(), stored.size(), toEmbed.size(), stored.size() - toEmbed.size(), durationMs);
        DocumentIndexed outcome = DocumentIndexed.of(
                event.tenant(),
                event.documentId(),
                event.eventId(),
                event.contentHash(),
                stored.size(),
                toEmbed.size(),
                stored.size() - toEmbed.size(),
                model,
                indexVersion,
                durationMs);
        send(indexed, outcome, outcome.partitionKey());
        return null;
    }

    private void embed(List<IndexStore.StoredChunk> stored, List<Integer> positions) {
        int batchSize = config.embedding().batchSize();
        for (int from = 0; from < positions.size(); from += batchSize) {
            List<Integer> batch = positions.subList(from, Math.min(positions.size(), from + batchSize));
            List<TextSegment> segments = batch.stream()
                    .map(i -> TextSegment.from(stored.get(i).text()))
                    .toList();
            List<Embedding> embeddings = embeddingModel.embedAll(segments).content();
            for (int k = 0; k < batch.size(); k++) {
                IndexStore.StoredChunk chunk = stored.get(batch.get(k));
                stored.set(
                        batch.get(k),
                        new IndexStore.StoredChunk(
                                chunk.id(),
                                chunk.ordinal(),
                                chunk.text(),
                                chunk.contentHash(),
                                chunk.start(),
                                chunk.end(),
                                chunk.headingPath(),
                                embeddings.get(k).vector()));
            }
        }
    }

    private void fail(DocumentSubmitted event, String stage, String reason, String metadataJson) throws SQLException {
        store.markFailed(
                event.eventId(),
                event.tenant(),
                event.documentId(),
                event.title(),
                event.source(),
                event.mediaType(),
                event.contentHash(),
                event.sizeBytes(),
                metadataJson,
                event.occurredAt(),
                reason);
        registry.counter("ragline.ingest.documents", "outcome", "failed").increment();
        LOG.infof("failed %s at %s: %s", event.partitionKey(), stage, reason);
        DocumentFailed outcome = DocumentFailed.of(event.tenant(), event.documentId(), event.eventId(), stage, reason);
        send(failed, outcome, outcome.partitionKey());
    }

    /** The document's text: inline, or its stored bytes parsed by Tika. */
    private String text(DocumentSubmitted event) throws SQLException, DocumentParser.UnparseableException {
        if (event.inlineText() != null) {
            return event.inlineText();
        }
        IndexStore.Content content = store.content(event.tenant(), event.contentRef())
                .orElseThrow(() -> new DocumentParser.UnparseableException(
                        "the stored body " + event.contentRef() + " is missing", null));
        if ("text/plain".equals(content.mediaType()) && content.fileName() == null) {
            return new String(content.bytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        return parser.parse(content.bytes(), content.fileName(), content.mediaType())
                .text();
    }

    /** Retries transient database failures with exponential back-off; then the record goes to the dead-letter topic. */
    private <T> T withRetries(String what, SqlWork<T> work) throws SQLException {
        Duration backoff = config.storeBackoff();
        for (int attempt = 1; ; attempt++) {
            try {
                return work.run();
            } catch (SQLException e) {
                if (attempt >= config.storeAttempts()) {
                    throw new SQLException(what + " failed after " + attempt + " attempts: " + e.getMessage(), e);
                }
                LOG.warnf(
                        "%s: attempt %d failed (%s); retrying in %d ms",
                        what, attempt, e.getMessage(), backoff.toMillis());
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoff = backoff.multipliedBy(2);
            }
        }
    }

    private static <T> void send(MutinyEmitter<T> emitter, T event, String key) {
        Message<T> message = Message.of(event)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(key)
                        .build());
        emitter.sendMessage(message).await().atMost(SEND_TIMEOUT);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run() throws SQLException;
    }
}
