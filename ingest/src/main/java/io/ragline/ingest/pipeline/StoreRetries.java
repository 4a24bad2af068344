package io.ragline.ingest.pipeline;

import io.ragline.ingest.config.IngestConfig;
import io.ragline.model.EmbeddingServer;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.temporal.ChronoUnit;
import org.jboss.logging.Logger;
import org.jdbi.v3.core.JdbiException;

/**
 * The indexer's retry of a unit of work (a round of submissions, a delete, a re-embedding) on transient database and
 * embedding-server failures: {@code ingest.store-attempts} attempts, exponential back-off from
 * {@code ingest.store-backoff}. An embedding server answering what the index cannot hold is not retried. A SmallRye
 * Fault Tolerance guard built programmatically, because its attempts and back-off come from {@link IngestConfig}.
 */
@ApplicationScoped
class StoreRetries {

    private static final Logger LOG = Logger.getLogger(StoreRetries.class);

    /** Work that failed for good (the record then goes the channel's failure strategy), with the last reason. */
    static final class WorkFailedException extends Exception {
        WorkFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Inject
    IngestConfig config;

    private Guard guard;

    @PostConstruct
    void init() {
        long delay = config.storeBackoff().toMillis();
        guard = Guard.create()
                .withRetry()
                .maxRetries(Math.max(0, config.storeAttempts() - 1))
                .delay(delay, ChronoUnit.MILLIS)
                // instances retrying against one recovering database do not all come back in the same millisecond
                .jitter(delay / 4, ChronoUnit.MILLIS)
                // a round of a few hundred documents may take a minute per attempt: the attempts bound the retry
                .maxDuration(1, ChronoUnit.HOURS)
                .whenException(StoreRetries::transientFailure)
                .beforeRetry(e -> LOG.warnf("attempt failed (%s); retrying with back-off", e.getMessage()))
                .withExponentialBackoff()
                .factor(2)
                .maxDelay(10, ChronoUnit.MINUTES)
                .done()
                .done()
                .build();
    }

    /** A unit of work. */
    @FunctionalInterface
    interface Work {
        void run() throws Exception;
    }

    /** Runs {@code work}, retried as above; {@code what} names it in the failure. */
    void run(String what, Work work) throws WorkFailedException {
        try {
            guard.call(
                    () -> {
                        work.run();
                        return null;
                    },
                    Void.class);
        } catch (Exception e) {
            throw new WorkFailedException(what + " failed: " + e.getMessage(), e);
        }
    }

    static boolean transientFailure(Throwable e) {
        if (e instanceof EmbeddingServer.EmbeddingServerException server) {
            return server.isTransient();
        }
        return e instanceof SQLException || e instanceof JdbiException;
    }
}
