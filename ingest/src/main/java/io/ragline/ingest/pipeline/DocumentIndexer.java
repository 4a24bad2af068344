package io.ragline.ingest.pipeline;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.ragline.contracts.EventJson;
import io.ragline.contracts.InvalidEventException;
import io.ragline.contracts.document.DocumentDeleted;
import io.ragline.contracts.document.DocumentIndexed;
import io.ragline.contracts.document.DocumentSubmitted;
import io.ragline.ingest.config.IngestConfig;
import io.ragline.ingest.pipeline.ChunkPreparer.Prepared;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The indexing pipeline's consumer. Reads {@code documents.submitted} in batches and {@code documents.deleted}
 * (consumer group {@code ingest.consumer}; records keyed tenant/documentId, so one document's events are handled in
 * order by one instance), and publishes each document's outcome through {@link Outcomes}.
 *
 * <p>A batch is processed in rounds holding at most one event per document (so two versions of one document keep their
 * order). Each round is {@linkplain Triage triaged} against what the database holds; new and changed documents are
 * {@linkplain ChunkPreparer prepared}, then taken in {@linkplain Embedder#groups groups}: while one group is embedded,
 * the group before it is written by the writer thread, each document in its own short transaction that also records
 * the event id: effects are exactly-once per event even though delivery is at-least-once (offsets are committed after
 * the batch returns). An unchanged document computes no embeddings and rewrites no chunks.
 */
@ApplicationScoped
public class DocumentIndexer {

    private static final Logger LOG = Logger.getLogger(DocumentIndexer.class);
    static final String SUBMITTED_CHANNEL = "documents-submitted";
    static final String DELETED_CHANNEL = "documents-deleted";
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    @Inject
    IngestConfig config;

    @Inject
    IndexStore store;

    @Inject
    ChunkPreparer preparer;

    @Inject
    Embedder embedder;

    @Inject
    Outcomes outcomes;

    @Inject
    StoreRetries retries;

    @Inject
    MeterRegistry registry;

    private ExecutorService writer;
    private Timer storeTime;

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
        storeTime = Timer.builder("ragline.ingest.store")
                .description("time spent writing one group of documents (one transaction each)")
                .register(registry);
    }

    @PreDestroy
    void close() {
        writer.shutdownNow();
    }

    @Incoming(SUBMITTED_CHANNEL)
    @Blocking
    public void onSubmitted(ConsumerRecords<String, String> records) throws StoreRetries.WorkFailedException {
        List<DocumentSubmitted> events = new ArrayList<>();
        // also added to by the writer thread
        List<CompletableFuture<Void>> sends = Collections.synchronizedList(new ArrayList<>());
        for (ConsumerRecord<String, String> record : records) {
            try {
                events.add(EventJson.fromJson(record.value(), DocumentSubmitted.class));
            } catch (InvalidEventException e) {
                sends.add(outcomes.deadLetter(record, e.getMessage()));
            }
        }
        while (!events.isEmpty()) {
            Set<String> keys = new HashSet<>();
            List<DocumentSubmitted> round = new ArrayList<>();
            List<DocumentSubmitted> later = new ArrayList<>();
            for (DocumentSubmitted event : events) {
                (keys.add(event.partitionKey()) ? round : later).add(event);
            }
            retries.run("index " + round.size() + " document(s)", () -> indexRound(round, sends));
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
    public void onDeleted(String json) throws StoreRetries.WorkFailedException {
        DocumentDeleted event = EventJson.fromJson(json, DocumentDeleted.class);
        retries.run("delete " + event.partitionKey(), () -> {
            int removed = store.delete(event.eventId(), event.tenant(), event.documentId(), event.occurredAt());
            LOG.infof("deleted %s: %d chunk(s) removed", event.partitionKey(), removed);
        });
    }

    private void indexRound(List<DocumentSubmitted> round, List<CompletableFuture<Void>> sends) {
        String model = config.embedding().modelName();
        int indexVersion = config.indexVersion();
        Set<String> done =
                store.processed(round.stream().map(DocumentSubmitted::eventId).toList());
        Map<String, IndexStore.Current> current = store.current(
                round.stream().map(DocumentSubmitted::tenant).toList(),
                round.stream().map(DocumentSubmitted::documentId).toList());
        Triage triage = Triage.of(round, done, current, model, indexVersion);

        for (Triage.Redelivered again : triage.redelivered()) {
            // applied before a crash that came before the offset commit: the outcome is sent again (consumers see it
            // at least once)
            LOG.debugf("event %s already applied", again.event().eventId());
            if (again.indexed()) {
                sends.add(
                        outcomes.indexed(outcomes.of(again.event(), again.now().chunkCount(), 0, again.startNanos())));
            }
        }
        for (DocumentSubmitted stale : triage.stale()) {
            LOG.infof("ignoring %s: a newer version of the document was already applied", stale.partitionKey());
            store.markStale(stale.eventId(), stale.tenant(), stale.documentId());
        }
        store.touchAll(triage.unchanged().stream().map(Triage.Unchanged::touch).toList());
        registry.counter("ragline.ingest.documents", "outcome", "redelivered")
                .increment(triage.redelivered().size());
        registry.counter("ragline.ingest.documents", "outcome", "unchanged")
                .increment(triage.unchanged().size());
        for (Triage.Unchanged u : triage.unchanged()) {
            sends.add(outcomes.indexed(outcomes.of(u.event(), u.chunkCount(), 0, u.startNanos())));
        }

        List<Triage.ToParse> toParse = triage.toParse();
        store.markStage(
                IndexStore.Stage.PARSING,
                toParse.stream().map(t -> t.event().tenant()).toList(),
                toParse.stream().map(t -> t.event().documentId()).toList());
        List<Prepared> prepared = new ArrayList<>();
        for (Triage.ToParse next : toParse) {
            try {
                prepared.add(preparer.prepare(next));
            } catch (ChunkPreparer.NoChunksException e) {
                sends.add(outcomes.failed(next.event(), "parse", e.getMessage(), next.metadataJson()));
            }
        }
        store.markStage(
                IndexStore.Stage.EMBEDDING,
                prepared.stream().map(p -> p.event().tenant()).toList(),
                prepared.stream().map(p -> p.event().documentId()).toList());
        // embedding (this thread, on the model's callers) and writing (the writer thread, waiting on PostgreSQL)
        // overlap: group k is written while group k+1 is embedded; writes stay in order, one transaction per document
        Future<?> writing = CompletableFuture.completedFuture(null);
        try {
            for (List<Prepared> group :
                    Embedder.groups(prepared, config.embedding().batchSize())) {
                embedder.embed(group);
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

    private void write(List<Prepared> group, String model, int indexVersion, List<CompletableFuture<Void>> sends) {
        for (Prepared p : group) {
            DocumentSubmitted event = p.event();
            int reused = (int) p.chunks().stream().filter(StoredChunk::reused).count();
            store.replace(event, p.metadataJson(), model, indexVersion, p.chunks());
            registry.counter("ragline.ingest.chunks.reused").increment(reused);
            registry.counter("ragline.ingest.documents", "outcome", "indexed").increment();
            DocumentIndexed outcome =
                    outcomes.of(event, p.chunks().size(), p.chunks().size() - reused, p.startNanos());
            LOG.debugf(
                    "indexed %s: %d chunk(s), %d embedded, %d reused, %d ms",
                    event.partitionKey(), p.chunks().size(), outcome.embeddedChunks(), reused, outcome.durationMs());
            sends.add(outcomes.indexed(outcome));
        }
    }

    /** Waits for the previous group's writes; their failure is this round's (and retried with it). */
    private static void awaitWrite(Future<?> writing) {
        try {
            writing.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
