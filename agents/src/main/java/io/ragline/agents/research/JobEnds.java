package io.ragline.agents.research;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.ragline.contracts.TokenUsage;
import io.ragline.contracts.outbox.EventOutbox;
import io.ragline.contracts.research.ResearchCompleted;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * How a job ends: completed, out of budget (with what was gathered, labelled partial) or cancelled. The job's row and
 * its {@code research.completed} event are stored together (the event in the agents' outbox), then the event is
 * published; one the broker did not acknowledge is published again by {@link #redriveOutbox}.
 */
@ApplicationScoped
class JobEnds {

    /** The topic of research-completed events, as the event outbox records it. */
    static final String COMPLETED_TOPIC = "research.completed";

    private static final Logger LOG = Logger.getLogger(JobEnds.class);

    @Inject
    ResearchStore store;

    @Inject
    ResearchMessages messages;

    @Inject
    AgroalDataSource dataSource;

    private EventOutbox outbox;

    @PostConstruct
    void init() {
        outbox = new EventOutbox(dataSource, ResearchStore.OUTBOX);
    }

    /** Ends a job whose budget ran out with the notes gathered so far, labelled partial. */
    void exhaust(ResearchStore.Job job, String reason) {
        List<ResearchStore.Step> research = store.steps(job.id(), "research");
        Writer.Material material = Writer.material(research, job.maxSources());
        List<String> missing = new ArrayList<>(material.missing());
        research.stream()
                .filter(s -> !s.status().equals("done"))
                .forEach(s -> missing.add(s.question() + ": not researched, " + reason));
        if (!job.status().equals("researching")) {
            missing.add("the report: not written and reviewed, " + reason);
        }
        Report brief = Writer.extractive(
                job.question(), new Writer.Material(material.sources(), material.notes(), missing), "partial");
        finish(job, "budget_exhausted", brief);
    }

    void cancel(ResearchStore.Job job) {
        ResearchCompleted event = completedEvent(job, ResearchCompleted.Status.CANCELLED, null);
        if (store.finish(
                job.id(), "cancelled", null, null, null, null, List.of(), "cancelled on request", outboxEntry(event))) {
            messages.progress(job, "cancelled", "cancelled on request");
            announce(event);
        }
    }

    /** Ends the job as {@code completed} or {@code budget_exhausted} with its report. */
    void finish(ResearchStore.Job job, String status, Report report) {
        ObjectNode json = ResearchStore.JSON.valueToTree(report);
        ResearchCompleted event = completedEvent(
                job,
                status.equals("completed")
                        ? ResearchCompleted.Status.COMPLETED
                        : ResearchCompleted.Status.BUDGET_EXHAUSTED,
                report);
        if (store.finish(
                job.id(),
                status,
                report.mode(),
                report.markdown(),
                json,
                json.path("sources"),
                report.missing(),
                null,
                outboxEntry(event))) {
            messages.progress(job, status.equals("completed") ? "done" : status, "report ready");
            announce(event);
        }
    }

    /**
     * Publishes the research-completed events left in the outbox for longer than {@code after} (their broker
     * acknowledgement never came); returns how many.
     */
    int redriveOutbox(Duration after) throws SQLException {
        return outbox.redrive(
                        COMPLETED_TOPIC,
                        after,
                        after.multipliedBy(2),
                        100,
                        entry -> messages.completed(entry.event(ResearchCompleted.class)))
                .published();
    }

    /** The job's research-completed event, made before the job is finished so that both are stored together. */
    private ResearchCompleted completedEvent(ResearchStore.Job job, ResearchCompleted.Status status, Report report) {
        ResearchStore.Job now = store.job(job.id()).orElse(job);
        List<ResearchCompleted.Source> sources = report == null
                ? List.of()
                : report.sources().stream()
                        .map(s -> new ResearchCompleted.Source(s.number(), s.chunkId(), s.documentId(), s.title()))
                        .toList();
        return ResearchCompleted.of(
                job.tenant(),
                job.id(),
                job.question(),
                status,
                report == null ? job.mode() : report.mode(),
                report == null ? null : report.markdown(),
                sources,
                report == null ? List.of() : report.missing(),
                Duration.between(job.createdAt(), Instant.now()).toMillis(),
                new TokenUsage(now.tokensUsed(), 0));
    }

    private static EventOutbox.Entry outboxEntry(ResearchCompleted event) {
        return EventOutbox.Entry.of(event.eventId(), COMPLETED_TOPIC, event.partitionKey(), event);
    }

    /**
     * Publishes a finished job's event, stored in the outbox with the job; it leaves the outbox on the broker's
     * acknowledgement. Not acknowledged (the broker away, this process stopping), the sweep publishes it again.
     */
    private void announce(ResearchCompleted event) {
        try {
            messages.completed(event);
        } catch (RuntimeException e) {
            LOG.warnf(
                    "research %s finished, its completion not published yet (%s); the sweep publishes it again",
                    event.jobId(), e.getMessage());
            try {
                outbox.failed(event.eventId(), e.getMessage());
            } catch (SQLException ignored) {
                // the row stays as it is, and is published again all the same
            }
            return;
        }
        try {
            outbox.published(event.eventId());
        } catch (SQLException e) {
            // published again by the sweep at worst: the judge keeps one judgement per research job
            LOG.debugf("research %s published, its outbox row stays for now: %s", event.jobId(), e.getMessage());
        }
    }
}
