package io.ragline.agents.research;

import io.ragline.contracts.research.ResearchCompleted;
import io.ragline.contracts.research.ResearchProgress;
import io.ragline.contracts.research.ResearchRequested;
import io.ragline.contracts.research.ResearchStep;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * What the research agents publish: requests ({@code research.requested}, keyed by job), steps
 * ({@code research.steps}, keyed job/step), progress and completions. Every send waits for the broker's
 * acknowledgement (at most 10 s) and throws when it does not come, except progress, which is informational.
 */
@ApplicationScoped
class ResearchMessages {

    static final String STEPS_OUT = "research-steps-out";
    static final String REQUESTED_OUT = "research-requested-out";
    static final String PROGRESS = "research-progress";
    static final String COMPLETED = "research-completed";

    private static final Logger LOG = Logger.getLogger(ResearchMessages.class);

    @Inject
    ResearchStore store;

    @Inject
    @Channel(STEPS_OUT)
    MutinyEmitter<ResearchStep> steps;

    @Inject
    @Channel(REQUESTED_OUT)
    MutinyEmitter<ResearchRequested> requests;

    @Inject
    @Channel(PROGRESS)
    MutinyEmitter<ResearchProgress> progress;

    @Inject
    @Channel(COMPLETED)
    MutinyEmitter<ResearchCompleted> completed;

    /** Publishes the job's new steps, one message each. */
    void steps(ResearchStore.Job job, List<ResearchStore.NewStep> next) {
        for (ResearchStore.NewStep s : next) {
            step(job, s.stepId(), s.kind());
        }
    }

    /** Publishes one step of the job. */
    void step(ResearchStore.Job job, String stepId, String kind) {
        ResearchStep step = ResearchStep.of(job.tenant(), job.id(), stepId, kind(kind));
        send(steps, step, step.partitionKey());
    }

    /** Publishes again what a crash between a commit and a publish may have lost: the job's unfinished steps. */
    void redrive(String jobId) {
        store.job(jobId).ifPresent(job -> {
            for (String kind : List.of("research", "write", "review")) {
                store.steps(jobId, kind).stream().filter(s -> !s.finished()).forEach(s -> step(job, s.stepId(), kind));
            }
        });
    }

    /** Publishes the job's progress with its step counts; a failure to publish is logged, not thrown. */
    void progress(ResearchStore.Job job, String stage, String message) {
        int[] counts = store.progress(job.id());
        try {
            send(progress, ResearchProgress.of(job.tenant(), job.id(), stage, message, counts[0], counts[1]), job.id());
        } catch (RuntimeException e) {
            LOG.debugf("progress of %s not published: %s", job.id(), e.getMessage());
        }
    }

    void completed(ResearchCompleted event) {
        send(completed, event, event.jobId());
    }

    /**
     * Publishes a stored job's request on {@code research.requested}, which starts it (a job created through the API,
     * or one the sweep finds never planned); throws when the broker does not acknowledge it.
     */
    void request(ResearchStore.Job job) {
        send(
                requests,
                ResearchRequested.of(
                        job.tenant(),
                        job.id(),
                        job.question(),
                        job.breadth(),
                        job.depth(),
                        job.maxSources(),
                        job.filters() == null ? Map.of() : ResearchStore.JSON.convertValue(job.filters(), Map.class)),
                job.id());
    }

    private static ResearchStep.Kind kind(String kind) {
        return ResearchStep.Kind.valueOf(kind.toUpperCase(Locale.ROOT));
    }

    private static <T> void send(MutinyEmitter<T> emitter, T event, String key) {
        emitter.sendMessage(Message.of(event)
                        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                                .withKey(key)
                                .build()))
                .await()
                .atMost(Duration.ofSeconds(10));
    }
}
