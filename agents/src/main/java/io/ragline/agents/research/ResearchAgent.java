package io.ragline.agents.research;

import io.ragline.contracts.EventJson;
import io.ragline.contracts.InvalidEventException;
import io.ragline.contracts.research.ResearchRequested;
import io.ragline.contracts.research.ResearchStep;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.faulttolerance.ExecutionContext;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.FallbackHandler;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The research agents' consumers. {@code research.requested} (group {@code agents-research}, keyed by job) is planned
 * by {@link JobFlow#plan}: an outline and sub-questions stored with the job, one {@code research.steps} message per
 * sub-question (keyed job/step, so instances share one job's sub-questions). {@code research.steps} (group
 * {@code agents-research-steps}, processed concurrently, offsets committed only after each step) runs researchers,
 * then the writer, then the reviewer ({@link StepRunner}), which may send the report back for revision. Each step's
 * result is stored once before its offset is committed: a step redelivered after a crash is redone if its result is
 * missing and skipped if not, and the stage change after it ({@link JobFlow#advance}) is made by exactly one instance.
 * Budgets (steps, tokens, wall time) and cancellation are checked before every step and every model call. Progress
 * goes to {@code research.progress}, the result to {@code research.completed} ({@link JobEnds}).
 */
@ApplicationScoped
public class ResearchAgent {

    public static final String REQUESTED = "research-requested";
    public static final String STEPS = "research-steps";

    private static final Logger LOG = Logger.getLogger(ResearchAgent.class);

    @Inject
    ResearchStore store;

    @Inject
    JobFlow flow;

    @Inject
    StepRunner runner;

    @Inject
    JobEnds ends;

    @Inject
    ResearchMessages messages;

    private String worker;

    @PostConstruct
    void init() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        worker = host + "/" + ProcessHandle.current().pid();
    }

    @Incoming(REQUESTED)
    @Blocking
    public void onRequested(String json) {
        ResearchRequested request = EventJson.fromJson(json, ResearchRequested.class);
        ResearchStore.Job job = store.job(request.jobId())
                .orElseThrow(() -> new IllegalArgumentException("no research job " + request.jobId()));
        if (job.finished()) {
            return;
        }
        if (job.status().equals("queued")) {
            flow.plan(job);
        } else {
            messages.redrive(job.id());
        }
    }

    /**
     * Runs one step; a failure is retried twice (SmallRye Fault Tolerance: 1 s, then 2 s, with jitter), then
     * {@link StepFailed} marks the step failed, the job goes on without it (the report names it) and the record goes to
     * the dead-letter topic with the reason. A record that is not a valid event, or names no step of a known job, goes
     * there at once.
     */
    @Incoming(STEPS)
    @Blocking(ordered = false)
    @Retry(
            maxRetries = 2,
            delay = 1,
            delayUnit = ChronoUnit.SECONDS,
            jitter = 250,
            abortOn = {InvalidEventException.class, IllegalArgumentException.class})
    @ExponentialBackoff
    @Fallback(
            value = StepFailed.class,
            skipOn = {InvalidEventException.class, IllegalArgumentException.class})
    public void onStep(String json) {
        ResearchStep message = EventJson.fromJson(json, ResearchStep.class);
        try {
            step(message);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warnf("research %s step %s failed: %s", message.jobId(), message.stepId(), e.getMessage());
            throw e;
        }
    }

    /** After a step's last attempt: it is marked failed and its job advanced; the failure goes on to the dead-letter topic. */
    @Dependent
    static class StepFailed implements FallbackHandler<Void> {

        @Inject
        ResearchAgent agent;

        @Override
        public Void handle(ExecutionContext context) {
            Throwable failure = context.getFailure();
            agent.stepFailed(EventJson.fromJson((String) context.getParameters()[0], ResearchStep.class), failure);
            throw failure instanceof RuntimeException r ? r : new IllegalStateException(failure);
        }
    }

    /** Marks a step that failed its last attempt, and lets its job go on without it. */
    void stepFailed(ResearchStep message, Throwable failure) {
        try {
            store.complete(message.jobId(), message.stepId(), "failed", null, 0, failure.getMessage());
            store.job(message.jobId()).ifPresent(flow::advance);
        } catch (RuntimeException e) {
            LOG.warnf("research %s step %s not marked failed: %s", message.jobId(), message.stepId(), e.getMessage());
        }
    }

    private void step(ResearchStep message) {
        ResearchStore.Job job = store.job(message.jobId()).orElse(null);
        ResearchStore.Step step = store.step(message.jobId(), message.stepId()).orElse(null);
        if (job == null || step == null) {
            throw new IllegalArgumentException("no step " + message.stepId() + " of research job " + message.jobId());
        }
        if (job.finished()) {
            return;
        }
        if (!step.finished()) {
            if (job.cancelRequested()) {
                ends.cancel(job);
                return;
            }
            String over = job.overBudget();
            if (over != null) {
                ends.exhaust(job, over);
                return;
            }
            store.begin(job.id(), step.stepId(), worker);
            try {
                runner.run(job, step);
            } catch (StepRunner.Cancelled c) {
                ends.cancel(job);
                return;
            }
        }
        store.job(job.id()).ifPresent(flow::advance);
    }

    /**
     * Publishes a stored job's request on {@code research.requested}, which starts it (a job created through the API,
     * or one the sweep finds never planned); throws when the broker does not acknowledge it.
     */
    public void request(ResearchStore.Job job) {
        messages.request(job);
    }
}
