package io.ragline.ingest.pipeline;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.ragline.contracts.EventJson;
import io.ragline.contracts.InvalidEventException;
import io.ragline.contracts.document.ContentHash;
import io.ragline.contracts.document.DocumentDeleted;
import io.ragline.contracts.document.DocumentFailed;
import io.ragline.contracts.document.DocumentIndexed;
import io.ragline.contracts.document.DocumentReindexRequested;
import io.ragline.contracts.document.DocumentSubmitted;
import io.ragline.ingest.config.IngestConfig;
import io.ragline.ingest.embedding.TokenCounter;
import io.ragline.ingest.parse.DocumentParser;
import io.ragline.model.EmbeddingServer;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * The indexing pipeline. Reads {@code documents.submitted} in batches and {@code documents.deleted} (consumer group
 * {@code ingest}; records keyed tenant/documentId, so one document's events are handled in order by one instance),
 * writes {@code documents} and {@code chunks}, and publishes {@code documents.indexed} or {@code documents.failed};
 * a record that is not a valid event goes to {@code documents.dlq} with the reason in {@code dead-letter-reason}.
 *
 * <p>A batch is processed in rounds holding at most one event per document (so two versions of one document keep their
 * order); in each round the documents that need new vectors are taken in groups of about twice
 * {@code ingest.embedding.batch-size} chunks, each group's chunks embedded together, sorted by length; while one group
 * is embedded, the group before it is written by the writer thread, each document in its own short transaction that
 * also records the event id: effects are exactly-once per event even though delivery is at-least-once (offsets are
 * committed after the batch returns). An unchanged document computes no embeddings and rewrites no chunks.
 */
@ApplicationScoped
public class DocumentIndexer {

    private static final Logger LOG = Logger.getLogger(DocumentIndexer.class);
    static final String SUBMITTED_CHANNEL = "documents-submitted";
    static final String DELETED_CHANNEL = "documents-deleted";
    static final String INDEXED_CHANNEL = "documents-indexed";
    static final String FAILED_CHANNEL = "documents-failed";
    static final String DEAD_LETTER_CHANNEL = "documents-dlq";
    static final String REINDEX_CHANNEL = "documents-reindex-in";
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

    @Inject
    @Channel(DEAD_LETTER_CHANNEL)
    MutinyEmitter<String> deadLetters;

    private Chunker chunker;
    private DocumentParser parser;
    private TokenCounter tokens;
    private ExecutorService writer;
    private Timer embedTime;
    private Timer storeTime;

    /** A document whose chunks need (some) new vectors in this round. */
    private record Prepared(
            DocumentSubmitted event, String metadataJson, List<IndexStore.StoredChunk> chunks, long startNanos) {

        String embeddedText(int index) {
            IndexStore.StoredChunk c = chunks.get(index);
            return Chunker.embeddedText(event.title(), c.headingPath(), c.text());
        }
    }

    /** A submission that needs parsing and chunking (new or changed). */
    private record ToParse(DocumentSubmitted event, IndexStore.Current now, String metadataJson, long startNanos) {}

    @PostConstruct
    void init() {
        if (config.indexVersion() != 1 && config.consumer().equals("ingest")) {
            // sharing version 1's consumer group and processed events, this deployment would see only part of the
            // events and skip the ones version 1 applied
            throw new IllegalStateException("ingest.index-version=" + config.indexVersion()
                    + " needs a consumer of its own beside version 1's: set ingest.consumer (e.g. ingest-v"
                    + config.indexVersion() + ")");
        }
        writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ingest-writer");
            t.setDaemon(true);
            return t;
        });
        embedTime = Timer.builder("ragline.ingest.embed")
                .description("time spent embedding one group of chunks")
                .register(registry);
        storeTime = Timer.builder("ragline.ingest.store")
                .description("time spent writing one group of documents (one transaction each)")
                .register(registry);
        tokens = TokenCounter.bgeSmall();
        chunker = new Chunker(config.chunking().maxTokens(), config.chunking().overlapTokens(), tokens::count);
        parser = new DocumentParser(config.maxTextChars());
    }

    @PreDestroy
    void close() {
        writer.shutdownNow();
        tokens.close();
    }

    @Incoming(SUBMITTED_CHANNEL)
    @Blocking
    public void onSubmitted(ConsumerRecords<String, String> records) throws SQLException {
        List<DocumentSubmitted> events = new ArrayList<>();
        // also added to by the writer thread
        List<CompletableFuture<Void>> sends = Collections.synchronizedList(new ArrayList<>());
        for (ConsumerRecord<String, String> record : records) {
            try {
                events.add(EventJson.fromJson(record.value(), DocumentSubmitted.class));
            } catch (InvalidEventException e) {
                sends.add(deadLetter(record, e.getMessage()));
            }
        }
        while (!events.isEmpty()) {
            Set<String> keys = new HashSet<>();
            List<DocumentSubmitted> round = new ArrayList<>();
            List<DocumentSubmitted> later = new ArrayList<>();
            for (DocumentSubmitted event : events) {
                (keys.add(event.partitionKey()) ? round : later).add(event);
            }
            withRetries("index " + round.size() + " document(s)", () -> {
                indexRound(round, sends);
                return null;
            });
            events = later;
        }
        // every send is already on its way (sent as its document was written); offsets are committed after this
        // method returns, so wait for the broker's acknowledgement of all of them
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                    .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing outcomes", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("outcomes not published: " + e.getMessage(), e);
        }
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

    private void indexRound(List<DocumentSubmitted> round, List<CompletableFuture<Void>> sends) throws SQLException {
        String model = config.embedding().modelName();
        int indexVersion = config.indexVersion();
        Set<String> done =
                store.processed(round.stream().map(DocumentSubmitted::eventId).toList());
        Map<String, IndexStore.Current> current = store.current(
                round.stream().map(DocumentSubmitted::tenant).toList(),
                round.stream().map(DocumentSubmitted::documentId).toList());
        List<Prepared> prepared = new ArrayList<>();
        List<IndexStore.Touch> touches = new ArrayList<>();
        List<DocumentIndexed> unchanged = new ArrayList<>();
        List<ToParse> toParse = new ArrayList<>();
        int redelivered = 0;
        for (DocumentSubmitted event : round) {
            long startNanos = System.nanoTime();
            IndexStore.Current now = current.get(event.partitionKey());
            if (done.contains(event.eventId())) {
                // applied before a crash that came before the offset commit: nothing is written again, but the
                // outcome, which may not have been published, is sent again (consumers see it at least once)
                LOG.debugf("event %s already applied", event.eventId());
                redelivered++;
                if (now != null
                        && "indexed".equals(now.status())
                        && event.contentHash().equals(now.contentHash())) {
                    sends.add(send(indexed, outcome(event, now.chunkCount(), 0, startNanos), event.partitionKey()));
                }
                continue;
            }
            // PostgreSQL keeps microseconds, rounded: the stored time of this very submission may lie up to half a
            // microsecond after its occurredAt (which another index version's deployment then replays)
            if (now != null && now.versionAt().isAfter(event.occurredAt().plusNanos(1_000))) {
                LOG.infof("ignoring %s: a newer version of the document was already applied", event.partitionKey());
                store.markStale(event.eventId(), event.tenant(), event.documentId());
                continue;
            }
            String metadataJson = EventJson.toJson(event.metadata());
            if (now != null
                    && "indexed".equals(now.status())
                    && event.contentHash().equals(now.contentHash())
                    // the title is part of every chunk's embedded text
                    && Objects.equals(event.title(), now.title())
                    && model.equals(now.embeddingModel())
                    && indexVersion == now.indexVersion()) {
                touches.add(new IndexStore.Touch(
                        event.eventId(),
                        event.tenant(),
                        event.documentId(),
                        event.title(),
                        metadataJson,
                        event.occurredAt()));
                unchanged.add(outcome(event, now.chunkCount(), 0, startNanos));
                continue;
            }
            toParse.add(new ToParse(event, now, metadataJson, startNanos));
        }
        store.touchAll(touches);
        registry.counter("ragline.ingest.documents", "outcome", "redelivered").increment(redelivered);
        registry.counter("ragline.ingest.documents", "outcome", "unchanged").increment(unchanged.size());
        for (DocumentIndexed outcome : unchanged) {
            sends.add(send(indexed, outcome, outcome.partitionKey()));
        }
        store.markStage(
                "parsing",
                toParse.stream().map(t -> t.event().tenant()).toList(),
                toParse.stream().map(t -> t.event().documentId()).toList());
        for (ToParse next : toParse) {
            DocumentSubmitted event = next.event();
            IndexStore.Current now = next.now();
            String metadataJson = next.metadataJson();
            String text;
            try {
                text = text(event);
            } catch (DocumentParser.UnparseableException e) {
                sends.add(fail(event, "parse", e.getMessage(), metadataJson));
                continue;
            }
            List<Chunker.Chunk> chunks = chunker.split(text);
            if (chunks.isEmpty()) {
                sends.add(fail(event, "parse", "the document has no text", metadataJson));
                continue;
            }
            Map<String, float[]> reusable = now == null || now.chunkCount() == 0
                    ? Map.of()
                    : store.reusableEmbeddings(event.tenant(), event.documentId(), model, indexVersion);
            List<IndexStore.StoredChunk> stored = new ArrayList<>(chunks.size());
            for (Chunker.Chunk chunk : chunks) {
                // the hash covers what is embedded, so a chunk reuses its vector only if that is unchanged
                String hash = ContentHash.of(Chunker.embeddedText(event.title(), chunk));
                String id = chunkId(event.tenant(), event.documentId(), chunk.ordinal(), hash, indexVersion);
                stored.add(new IndexStore.StoredChunk(
                        id,
                        chunk.ordinal(),
                        chunk.text(),
                        hash,
                        chunk.start(),
                        chunk.end(),
                        chunk.headingPath(),
                        reusable.get(hash)));
            }
            prepared.add(new Prepared(event, metadataJson, stored, next.startNanos()));
        }
        store.markStage(
                "embedding",
                prepared.stream().map(p -> p.event().tenant()).toList(),
                prepared.stream().map(p -> p.event().documentId()).toList());
        // embedding (this thread, on the model's callers) and writing (the writer thread, waiting on PostgreSQL)
        // overlap: group k is written while group k+1 is embedded; writes stay in order, one transaction per document
        Future<?> writing = CompletableFuture.completedFuture(null);
        try {
            for (List<Prepared> group : groups(prepared)) {
                long t = System.nanoTime();
                int embeddedNow = embed(group);
                registry.counter("ragline.ingest.chunks.embedded").increment(embeddedNow);
                embedTime.record(System.nanoTime() - t, TimeUnit.NANOSECONDS);
                awaitWrite(writing);
                writing = writer.submit(() -> {
                    long w = System.nanoTime();
                    write(group, model, indexVersion, sends);
                    storeTime.record(System.nanoTime() - w, TimeUnit.NANOSECONDS);
                    return null;
                });
            }
        } finally {
            // also when embedding failed: a retry of the round must not start while a write is still running
            awaitWrite(writing);
        }
    }

    /**
     * A chunk's id: stable for the same document, position and embedded text, so an unchanged chunk keeps its id; an
     * index version other than 1 is part of it, as the versions' rows stand side by side.
     */
    static String chunkId(String tenant, String documentId, int ordinal, String contentHash, int indexVersion) {
        String key = tenant + "\u0000" + documentId + "\u0000" + ordinal + "\u0000" + contentHash
                + (indexVersion == 1 ? "" : "\u0000v" + indexVersion);
        return ContentHash.of(key).substring(0, 32);
    }

    /**
     * Re-embeds a document's chunks of another index version into this deployment's (a model roll-out's backfill):
     * the same chunks, texts and offsets, new vectors. Requests for another version than this deployment's are for
     * another deployment and are skipped; so is a document this version already holds.
     */
    @Incoming(REINDEX_CHANNEL)
    @Blocking
    public void onReindex(String json) throws SQLException {
        DocumentReindexRequested event = EventJson.fromJson(json, DocumentReindexRequested.class);
        if (event.toVersion() != config.indexVersion()) {
            return;
        }
        withRetries("re-embed " + event.partitionKey(), () -> {
            if (!store.processed(List.of(event.eventId())).isEmpty()) {
                return null;
            }
            var source = store.versionChunks(event.tenant(), event.documentId(), event.fromVersion());
            if (source.isEmpty() || source.get().chunks().isEmpty()) {
                LOG.infof(
                        "nothing to re-embed for %s: version %d holds no chunks of it",
                        event.partitionKey(), event.fromVersion());
                store.markHandled(event.eventId());
                return null;
            }
            IndexStore.VersionChunks from = source.get();
            List<TextSegment> texts = from.chunks().stream()
                    .map(c -> TextSegment.from(Chunker.embeddedText(from.title(), c.headingPath(), c.text())))
                    .toList();
            List<Embedding> vectors = embeddingModel.embedAll(texts).content();
            registry.counter("ragline.ingest.chunks.embedded").increment(vectors.size());
            List<IndexStore.StoredChunk> chunks = new ArrayList<>(vectors.size());
            for (int i = 0; i < vectors.size(); i++) {
                IndexStore.StoredChunk c = from.chunks().get(i);
                chunks.add(new IndexStore.StoredChunk(
                        chunkId(
                                event.tenant(),
                                event.documentId(),
                                c.ordinal(),
                                c.contentHash(),
                                config.indexVersion()),
                        c.ordinal(),
                        c.text(),
                        c.contentHash(),
                        c.start(),
                        c.end(),
                        c.headingPath(),
                        vectors.get(i).vector(),
                        false));
            }
            boolean written = store.writeReindexed(
                    event.eventId(),
                    event.tenant(),
                    event.documentId(),
                    config.embedding().modelName(),
                    from,
                    chunks);
            registry.counter("ragline.ingest.reindexed", "outcome", written ? "written" : "already-held")
                    .increment();
            return null;
        });
    }

    /** Documents in groups of about {@code 2 × batch-size} chunks to embed (a document is never split). */
    private List<List<Prepared>> groups(List<Prepared> prepared) {
        List<List<Prepared>> groups = new ArrayList<>();
        List<Prepared> group = new ArrayList<>();
        int chunks = 0;
        for (Prepared p : prepared) {
            group.add(p);
            chunks += p.chunks().size();
            if (chunks >= 2 * config.embedding().batchSize()) {
                groups.add(group);
                group = new ArrayList<>();
                chunks = 0;
            }
        }
        if (!group.isEmpty()) {
            groups.add(group);
        }
        return groups;
    }

    private void write(List<Prepared> group, String model, int indexVersion, List<CompletableFuture<Void>> sends)
            throws SQLException {
        for (Prepared p : group) {
            DocumentSubmitted event = p.event();
            int reused = (int) p.chunks().stream().filter(c -> c.reused()).count();
            store.replace(event, p.metadataJson(), model, indexVersion, p.chunks());
            registry.counter("ragline.ingest.chunks.reused").increment(reused);
            registry.counter("ragline.ingest.documents", "outcome", "indexed").increment();
            DocumentIndexed outcome =
                    outcome(event, p.chunks().size(), p.chunks().size() - reused, p.startNanos());
            LOG.debugf(
                    "indexed %s: %d chunk(s), %d embedded, %d reused, %d ms",
                    event.partitionKey(), p.chunks().size(), outcome.embeddedChunks(), reused, outcome.durationMs());
            sends.add(send(indexed, outcome, event.partitionKey()));
        }
    }

    /** Waits for the previous group's writes; their database failure is this round's (and retried with it). */
    private static void awaitWrite(Future<?> writing) throws SQLException {
        try {
            writing.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while writing", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Embeds every chunk of the round that has no vector yet, across documents, shortest first so each batch holds
     * texts of similar length (less padding); returns how many were embedded.
     */
    private int embed(List<Prepared> prepared) {
        record Slot(Prepared owner, int index) {}
        List<Slot> todo = new ArrayList<>();
        for (Prepared p : prepared) {
            for (int i = 0; i < p.chunks().size(); i++) {
                if (p.chunks().get(i).embedding() == null) {
                    todo.add(new Slot(p, i));
                }
            }
        }
        todo.sort(Comparator.comparingInt(
                s -> s.owner().chunks().get(s.index()).text().length()));
        int batchSize = config.embedding().batchSize();
        for (int from = 0; from < todo.size(); from += batchSize) {
            List<Slot> batch = todo.subList(from, Math.min(todo.size(), from + batchSize));
            List<TextSegment> segments = batch.stream()
                    .map(s -> TextSegment.from(s.owner().embeddedText(s.index())))
                    .toList();
            List<Embedding> embeddings = embeddingModel.embedAll(segments).content();
            for (int k = 0; k < batch.size(); k++) {
                Slot slot = batch.get(k);
                List<IndexStore.StoredChunk> chunks = slot.owner().chunks();
                chunks.set(
                        slot.index(),
                        chunks.get(slot.index()).withEmbedding(embeddings.get(k).vector()));
            }
        }
        return todo.size();
    }

    private DocumentIndexed outcome(DocumentSubmitted event, int chunks, int embedded, long startNanos) {
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

    private CompletableFuture<Void> fail(DocumentSubmitted event, String stage, String reason, String metadataJson)
            throws SQLException {
        store.markFailed(event, metadataJson, reason);
        registry.counter("ragline.ingest.documents", "outcome", "failed").increment();
        LOG.infof("failed %s at %s: %s", event.partitionKey(), stage, reason);
        DocumentFailed outcome = DocumentFailed.of(event.tenant(), event.documentId(), event.eventId(), stage, reason);
        return send(failed, outcome, outcome.partitionKey());
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
            return new String(content.bytes(), StandardCharsets.UTF_8);
        }
        return parser.parse(content.bytes(), content.fileName(), content.mediaType())
                .text();
    }

    /** A record that is not a valid event: to the dead-letter topic, with the reason, so it blocks nothing. */
    private CompletableFuture<Void> deadLetter(ConsumerRecord<String, String> record, String reason) {
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

    /**
     * Retries transient database and embedding-server failures with exponential back-off; then (or at once, for an
     * embedding server answering what the index cannot hold) the batch goes to the dead-letter topic with the reason.
     */
    private <T> T withRetries(String what, SqlWork<T> work) throws SQLException {
        Duration backoff = config.storeBackoff();
        for (int attempt = 1; ; attempt++) {
            try {
                return work.run();
            } catch (SQLException | EmbeddingServer.EmbeddingServerException e) {
                if (e instanceof EmbeddingServer.EmbeddingServerException server && !server.isTransient()) {
                    throw new SQLException(what + " failed: " + e.getMessage(), e);
                }
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
                    throw new SQLException(what + " interrupted: " + e.getMessage(), e);
                }
                backoff = backoff.multipliedBy(2);
            }
        }
    }

    static <T> CompletableFuture<Void> send(MutinyEmitter<T> emitter, T event, String key) {
        Message<T> message = Message.of(event)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(key)
                        .build());
        // subscribed now: a Mutiny emitter sends only once its Uni is subscribed to
        return emitter.sendMessage(message).subscribeAsCompletionStage();
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run() throws SQLException;
    }
}
