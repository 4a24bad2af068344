package io.ragline.agents.research;

import io.quarkus.scheduler.Scheduled;
import io.ragline.agents.config.AgentsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Every few seconds: steps stored but never started within {@code research.redrive-after} are published again (a
 * publish lost to a crash right after the commit), so are steps started longer ago than {@code research.step-timeout}
 * (a worker stuck or gone while its record was committed); jobs with no step left to run that have not moved within
 * {@code research.redrive-after} are moved on, completions left in the outbox are published, and jobs never planned
 * have their request published again. Running on several instances only repeats messages, which the steps' stored
 * results make harmless.
 */
@ApplicationScoped
class ResearchSweep {

    private static final Logger LOG = Logger.getLogger(ResearchSweep.class);

    @Inject
    ResearchStore store;

    @Inject
    AgentsConfig config;

    @Inject
    JobFlow flow;

    @Inject
    JobEnds ends;

    @Inject
    ResearchMessages messages;

    @Scheduled(every = "10s", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        try {
            Duration after = config.research().redriveAfter();
            for (ResearchStore.Step s : store.stalled(after, config.research().stepTimeout())) {
                store.job(s.jobId()).ifPresent(job -> messages.step(job, s.stepId(), s.kind()));
            }
            for (String id : store.idle(after)) {
                store.job(id).ifPresent(flow::advance);
            }
            int published = ends.redriveOutbox(after);
            if (published > 0) {
                LOG.infof("published %d research-completed event(s) left in the outbox", published);
            }
            for (String id : store.unplanned(after)) {
                store.job(id).ifPresent(messages::request);
            }
        } catch (RuntimeException | SQLException e) {
            LOG.debugf("research sweep skipped: %s", e.getMessage());
        }
    }
}
