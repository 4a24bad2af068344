package io.ragline.ingest.retention;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.ragline.ingest.config.IngestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jdbi.v3.core.Jdbi;

/**
 * Deletes claim-check bodies ({@code document_contents}) that no event can reference any more. A body is read by the
 * ingest consumer of the submission that references it, and again by any consumer group that replays
 * {@code documents.submitted} (a new index version's deployment starts from the earliest record): so a body is kept
 * as long as the topic keeps records, plus a margin, and never when the topic keeps them forever ({@code retention.ms}
 * -1). The retention is read from the broker at every sweep, so it cannot drift from a setting here. Instances share a
 * sweep without deleting anything twice: each takes its batch with {@code FOR UPDATE SKIP LOCKED}. A document's
 * searchable chunks do not depend on its body; a backfill into a new index version re-embeds the stored chunks.
 */
@ApplicationScoped
public class ClaimCheckSweeper {

    private static final Logger LOG = Logger.getLogger(ClaimCheckSweeper.class);

    @Inject
    IngestConfig config;

    @Inject
    Jdbi jdbi;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "mp.messaging.incoming.documents-submitted.topic")
    String submissions;

    /** What one sweep did: the topic's retention (empty: forever) and the bodies deleted. */
    public record Sweep(Optional<Duration> retention, int deleted) {}

    @Scheduled(
            every = "${ingest.claim-check.sweep-every}",
            delayed = "${ingest.claim-check.sweep-every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            Sweep sweep = sweep();
            if (sweep.deleted() > 0) {
                LOG.infof("deleted %d claim-check bodies older than %s's retention", sweep.deleted(), submissions);
            }
        } catch (RuntimeException e) {
            // the next sweep tries again; nothing is lost by waiting
            LOG.warnf("claim-check sweep failed: %s", e.getMessage());
        }
    }

    /** One sweep: deletes, in short batches, the bodies older than the submissions topic's retention plus the margin. */
    public Sweep sweep() {
        Optional<Duration> retention = retention();
        if (retention.isEmpty()) {
            return new Sweep(retention, 0);
        }
        Instant before =
                Instant.now().minus(retention.get()).minus(config.claimCheck().margin());
        int deleted = 0;
        for (int batch = 0; batch < config.claimCheck().maxBatches(); batch++) {
            int n = deleteBatch(before);
            deleted += n;
            if (n < config.claimCheck().batchSize()) {
                break;
            }
        }
        registry.counter("ragline.ingest.claim.check.deleted").increment(deleted);
        return new Sweep(retention, deleted);
    }

    private int deleteBatch(Instant before) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM document_contents WHERE id IN (SELECT id"
                        + " FROM document_contents WHERE created_at < :before ORDER BY created_at LIMIT :limit"
                        + " FOR UPDATE SKIP LOCKED)")
                .bind("before", before)
                .bind("limit", config.claimCheck().batchSize())
                .execute());
    }

    /** The submissions topic's {@code retention.ms} as the broker reports it; empty when records are kept forever. */
    Optional<Duration> retention() {
        Duration timeout = config.claimCheck().brokerTimeout();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) timeout.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) timeout.toMillis()))) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, submissions);
            Config topicConfig = admin.describeConfigs(List.of(topic))
                    .all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .get(topic);
            ConfigEntry entry = topicConfig.get(TopicConfig.RETENTION_MS_CONFIG);
            long ms = entry == null ? -1 : Long.parseLong(entry.value());
            return ms < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(ms));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + submissions + "'s retention", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read " + submissions + "'s retention: " + e.getMessage(), e);
        }
    }
}
