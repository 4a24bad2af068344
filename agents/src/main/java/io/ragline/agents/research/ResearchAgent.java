package io.ragline.agents.research;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import io.ragline.agents.config.AgentsConfig;
import io.ragline.agents.model.AgentModel;
import io.ragline.contracts.EventJson;
import io.ragline.contracts.InvalidEventException;
import io.ragline.contracts.TokenUsage;
import io.ragline.contracts.outbox.EventOutbox;
import io.ragline.contracts.research.ResearchCompleted;
import io.ragline.contracts.research.ResearchProgress;
import io.ragline.contracts.research.ResearchRequested;
import io.ragline.contracts.research.ResearchStep;
import io.ragline.model.ModelUnavailableException;
import io.ragline.retriever.client.RetrieverClient;
import io.ragline.retriever.client.RetrieverUnavailableException;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.faulttolerance.ExecutionContext;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.FallbackHandler;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * The research agents, talking through Kafka. {@code research.requested} (group {@code agents-research}, keyed by job)
 * is planned: an outline and sub-questions stored with the job, one {@code research.steps} message per sub-question
 * (keyed job/step, so instances share one job's sub-questions). {@code research.steps} (group
 * {@code agents-research-steps}, processed concurrently, offsets committed only after each step) runs researchers,
 * then the writer, then the reviewer, which may send the report back for revision. Each step's result is stored once
 * before its offset is committed: a step redelivered after a crash is redone if its result is missing and skipped if
 * not, and the stage change after it is made by exactly one instance. Budgets (steps, tokens, wall time) and
 * cancellation are checked before every step and every model call. Progress goes to {@code research.progress}, the
 * result to {@code research.completed}.
 */
@ApplicationScoped
public class ResearchAgent {

    public static final String REQUESTED = "research-requested";
    public static final String STEPS = "research-steps";
    public static final String STEPS_OUT = "research-steps-out";
    public static final String REQUESTED_OUT = "research-requested-out";
    public static final String PROGRESS = "research-progress";
    public static final String COMPLETED = "research-completed";
    /** The topic of {@link #COMPLETED}, as the event outbox records it. */
    static final String COMPLETED_TOPIC = "research.completed";

    private static final Logger LOG = Logger.getLogger(ResearchAgent.class);

    @Inject
    ResearchStore store;

    @Inject
    AgentsConfig config;

    @Inject
    AgentModel agentModel;

    @Inject
    ResearchPrompts prompts;

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

    @Inject
    AgroalDataSource dataSource;

    private RetrieverClient retriever;
    private String worker;
    private EventOutbox outbox;

    /** Thrown at a checkpoint of a job whose cancellation was asked for. */
    static final class Cancelled extends RuntimeException {
        Cancelled() {
            super("cancelled", null, false, false);
        }
    }

    @PostConstruct
    void init() {
        outbox = new EventOutbox(dataSource, ResearchStore.OUTBOX);
        retriever = new RetrieverClient(
                config.research().retrieverUrl(), config.research().retrieverTimeout());
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
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
            plan(job);
        } else {
            redrive(job.id());
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
            store.job(message.jobId()).ifPresent(this::advance);
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
                cancel(job);
                return;
            }
            String over = job.overBudget();
            if (over != null) {
                exhaust(job, over);
                return;
            }
            store.begin(job.id(), step.stepId(), worker);
            try {
                run(job, step);
            } catch (Cancelled c) {
                cancel(job);
                return;
            }
        }
        store.job(job.id()).ifPresent(this::advance);
    }

    private ResearchModel model() {
        return new ResearchModel(agentModel, prompts);
    }

    private void plan(ResearchStore.Job job) {
        if (job.cancelRequested()) {
            cancel(job);
            return;
        }
        Planner.Plan plan;
        String mode = "model";
        if (model().available()) {
            try {
                plan = Planner.plan(model(), job.question(), job.breadth());
            } catch (ModelUnavailableException e) {
                LOG.warnf("research %s planned without the model: %s", job.id(), e.getMessage());
                plan = Planner.extractive(job.question(), job.breadth());
                mode = "extractive";
            }
        } else {
            plan = Planner.extractive(job.question(), job.breadth());
            mode = "extractive";
        }
        store.charge(job.id(), plan.tokens(), 1);
        List<ResearchStore.NewStep> next = new ArrayList<>();
        for (int i = 0; i < plan.questions().size(); i++) {
            next.add(new ResearchStore.NewStep(
                    "research-1-" + (i + 1), "research", 1, plan.questions().get(i)));
        }
        List<String> outline = plan.outline().isEmpty() ? plan.questions() : plan.outline();
        if (store.transition(Transition.planned(job.id(), mode, outline, next))) {
            publish(job, next);
            progress(job, "researching", "planned " + next.size() + " sub-questions (" + mode + ")");
        } else {
            redrive(job.id());
        }
    }

    private void run(ResearchStore.Job job, ResearchStore.Step step) {
        Runnable checkpoint = () -> {
            if (store.cancelRequested(job.id())) {
                throw new Cancelled();
            }
        };
        int[] tokens = {0};
        switch (step.kind()) {
            case "research" -> {
                Researcher.Search search = new Researcher.Search(
                        retriever,
                        job.tenant(),
                        job.filters(),
                        config.research().passagesPerQuery());
                try {
                    ObjectNode result = "model".equals(job.mode())
                            ? Researcher.research(
                                    model(),
                                    search,
                                    step.question(),
                                    config.research().queriesPerQuestion(),
                                    checkpoint,
                                    tokens)
                            : Researcher.extractive(search, step.question());
                    store.complete(job.id(), step.stepId(), "done", result, tokens[0], null);
                } catch (ModelUnavailableException | RetrieverUnavailableException | IllegalArgumentException e) {
                    LOG.warnf("research %s: sub-question '%s' failed: %s", job.id(), step.question(), e.getMessage());
                    store.complete(job.id(), step.stepId(), "failed", null, tokens[0], e.getMessage());
                }
                progress(job, "researching", "researched: " + step.question());
            }
            case "write" -> {
                Writer.Material material = Writer.material(store.steps(job.id(), "research"), job.maxSources());
                Report report;
                if ("model".equals(job.mode())) {
                    Report draft = job.round() == 0 ? null : report(job.id(), job.round() - 1);
                    List<Writer.Issue> issues = job.round() == 0 ? List.of() : issues(job.id(), job.round() - 1);
                    try {
                        report = Writer.write(
                                model(), job.question(), job.outline(), material, draft, issues, checkpoint, tokens);
                    } catch (ModelUnavailableException e) {
                        LOG.warnf("research %s: the writer failed: %s", job.id(), e.getMessage());
                        report = draft != null ? draft : Writer.extractive(job.question(), material, "extractive");
                    }
                } else {
                    report = Writer.extractive(job.question(), material, "extractive");
                }
                store.complete(
                        job.id(), step.stepId(), "done", ResearchStore.JSON.valueToTree(report), tokens[0], null);
            }
            case "review" -> {
                Report report = report(job.id(), job.round());
                ObjectNode result = ResearchStore.JSON.createObjectNode();
                try {
                    result.set(
                            "verdicts",
                            ResearchStore.JSON.valueToTree(Reviewer.review(model(), report, checkpoint, tokens)));
                } catch (ModelUnavailableException e) {
                    LOG.warnf("research %s: the reviewer failed: %s", job.id(), e.getMessage());
                    result.put("skipped", "the reviewer failed: " + e.getMessage());
                }
                store.complete(job.id(), step.stepId(), "done", result, tokens[0], null);
            }
            default -> store.complete(job.id(), step.stepId(), "failed", null, 0, "unknown step kind");
        }
    }

    /** Moves a job on once the step it waits for has finished; every move is made by one instance only. */
    private void advance(ResearchStore.Job job) {
        if (job.finished()) {
            return;
        }
        if (job.cancelRequested()) {
            cancel(job); // every move below is refused once cancellation is asked for
            return;
        }
        switch (JobStatus.of(job.status())) {
            case RESEARCHING -> {
                List<ResearchStore.Step> research = store.steps(job.id(), "research");
                if (research.stream().anyMatch(s -> !s.finished())) {
                    return;
                }
                if ("model".equals(job.mode()) && job.level() < job.depth() && job.overBudget() == null) {
                    List<ResearchStore.NewStep> next = followUps(job, research);
                    if (!next.isEmpty()) {
                        if (store.transition(Transition.deeper(job, next))) {
                            publish(job, next);
                            progress(
                                    job,
                                    "researching",
                                    "level " + (job.level() + 1) + ": " + next.size() + " follow-up sub-questions");
                        }
                        return;
                    }
                }
                Transition write =
                        Transition.write(job, new ResearchStore.NewStep("write-0", "write", job.level(), null));
                if (store.transition(write)) {
                    publish(job, write.next());
                    progress(job, "writing", "writing the report");
                }
            }
            case WRITING -> {
                ResearchStore.Step w =
                        store.step(job.id(), "write-" + job.round()).orElse(null);
                if (w == null) {
                    restore(job, new ResearchStore.NewStep("write-" + job.round(), "write", job.level(), null));
                    return;
                }
                if (!w.finished()) {
                    return;
                }
                Report report = report(job.id(), job.round());
                if ("model".equals(report.mode()) && !report.claims().isEmpty()) {
                    Transition review = Transition.review(
                            job, new ResearchStore.NewStep("review-" + job.round(), "review", job.level(), null));
                    if (store.transition(review)) {
                        publish(job, review.next());
                        progress(job, "reviewing", "reviewing the report (round " + (job.round() + 1) + ")");
                    }
                } else {
                    finish(job, "completed", report);
                }
            }
            case REVIEWING -> {
                ResearchStore.Step r =
                        store.step(job.id(), "review-" + job.round()).orElse(null);
                if (r == null) {
                    restore(job, new ResearchStore.NewStep("review-" + job.round(), "review", job.level(), null));
                    return;
                }
                if (!r.finished()) {
                    return;
                }
                Report report = report(job.id(), job.round());
                List<Writer.Issue> issues = issues(job.id(), job.round());
                if (!issues.isEmpty()
                        && job.round() + 1 < config.research().maxReviewRounds()
                        && job.overBudget() == null) {
                    int round = job.round() + 1;
                    Transition revise = Transition.revise(
                            job, round, new ResearchStore.NewStep("write-" + round, "write", job.level(), null));
                    if (store.transition(revise)) {
                        publish(job, revise.next());
                        progress(job, "writing", issues.size() + " unsupported claim(s) sent back for revision");
                    }
                } else {
                    finish(job, "completed", withoutUnsupported(report, verdicts(r)));
                }
            }
            default -> {
                // queued: the planner has not finished; finished: nothing to move
            }
        }
    }

    private List<ResearchStore.NewStep> followUps(ResearchStore.Job job, List<ResearchStore.Step> research) {
        List<String> researched = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (ResearchStore.Step s : research) {
            researched.add(s.question());
            if (s.result() != null) {
                s.result().path("notes").forEach(n -> notes.add(n.path("text").asText()));
            }
        }
        try {
            Planner.Plan plan = Planner.followUps(model(), job.question(), researched, notes, job.breadth());
            store.charge(job.id(), plan.tokens(), 1);
            List<ResearchStore.NewStep> next = new ArrayList<>();
            int level = job.level() + 1;
            for (int i = 0; i < plan.questions().size(); i++) {
                next.add(new ResearchStore.NewStep(
                        "research-" + level + "-" + (i + 1),
                        "research",
                        level,
                        plan.questions().get(i)));
            }
            return next;
        } catch (ModelUnavailableException e) {
            LOG.warnf("research %s: no follow-up questions: %s", job.id(), e.getMessage());
            return List.of();
        }
    }

    private Report report(String jobId, int round) {
        return store.step(jobId, "write-" + round)
                .map(s -> ResearchStore.JSON.convertValue(s.result(), Report.class))
                .orElseThrow(() -> new IllegalStateException("research " + jobId + " has no draft " + round));
    }

    private static List<Reviewer.Verdict> verdicts(ResearchStore.Step review) {
        List<Reviewer.Verdict> out = new ArrayList<>();
        if (review.result() != null) {
            review.result()
                    .path("verdicts")
                    .forEach(v -> out.add(new Reviewer.Verdict(
                            v.path("supported").asBoolean(), v.path("reason").asText(""))));
        }
        return out;
    }

    private List<Writer.Issue> issues(String jobId, int round) {
        ResearchStore.Step review = store.step(jobId, "review-" + round).orElse(null);
        if (review == null) {
            return List.of();
        }
        List<Report.Claim> claims = report(jobId, round).claims();
        List<Reviewer.Verdict> verdicts = verdicts(review);
        List<Writer.Issue> issues = new ArrayList<>();
        for (int i = 0; i < verdicts.size() && i < claims.size(); i++) {
            if (!verdicts.get(i).supported()) {
                issues.add(
                        new Writer.Issue(claims.get(i).text(), verdicts.get(i).reason()));
            }
        }
        return issues;
    }

    /** The report with the claims the last review found unsupported taken out (and listed as removed). */
    static Report withoutUnsupported(Report report, List<Reviewer.Verdict> verdicts) {
        List<Report.Section> sections = new ArrayList<>();
        List<Report.Removed> removed = new ArrayList<>(report.removed());
        int i = 0;
        for (Report.Section s : report.sections()) {
            List<Report.Claim> kept = new ArrayList<>();
            for (Report.Claim c : s.claims()) {
                Reviewer.Verdict v = i < verdicts.size() ? verdicts.get(i) : null;
                i++;
                if (v == null || v.supported()) {
                    kept.add(c);
                } else {
                    removed.add(new Report.Removed(c.text(), v.reason()));
                }
            }
            sections.add(new Report.Section(s.heading(), kept));
        }
        return new Report(report.title(), report.mode(), sections, report.sources(), report.missing(), removed);
    }

    /** Ends a job whose budget ran out with the notes gathered so far, labelled partial. */
    private void exhaust(ResearchStore.Job job, String reason) {
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

    private void cancel(ResearchStore.Job job) {
        ResearchCompleted event = completedEvent(job, ResearchCompleted.Status.CANCELLED, null);
        if (store.finish(
                job.id(), "cancelled", null, null, null, null, List.of(), "cancelled on request", outboxEntry(event))) {
            progress(job, "cancelled", "cancelled on request");
            announce(event);
        }
    }

    private void finish(ResearchStore.Job job, String status, Report report) {
        ObjectNode json = ResearchStore.JSON.valueToTree(report);
        JsonNode sources = json.path("sources");
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
                sources,
                report.missing(),
                null,
                outboxEntry(event))) {
            progress(job, status.equals("completed") ? "done" : status, "report ready");
            announce(event);
        }
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
                Duration.between(job.createdAt(), java.time.Instant.now()).toMillis(),
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
            send(completed, event, event.jobId());
        } catch (RuntimeException e) {
            LOG.warnf(
                    "research %s finished, its completion not published yet (%s); the sweep publishes it again",
                    event.jobId(), e.getMessage());
            try {
                outbox.failed(event.eventId(), e.getMessage());
            } catch (java.sql.SQLException ignored) {
                // the row stays as it is, and is published again all the same
            }
            return;
        }
        try {
            outbox.published(event.eventId());
        } catch (java.sql.SQLException e) {
            // published again by the sweep at worst: the judge keeps one judgement per research job
            LOG.debugf("research %s published, its outbox row stays for now: %s", event.jobId(), e.getMessage());
        }
    }

    private void publish(ResearchStore.Job job, List<ResearchStore.NewStep> next) {
        for (ResearchStore.NewStep s : next) {
            ResearchStep step = ResearchStep.of(job.tenant(), job.id(), s.stepId(), kind(s.kind()));
            send(steps, step, step.partitionKey());
        }
    }

    private static ResearchStep.Kind kind(String kind) {
        return ResearchStep.Kind.valueOf(kind.toUpperCase(java.util.Locale.ROOT));
    }

    private void progress(ResearchStore.Job job, String stage, String message) {
        int[] counts = store.progress(job.id());
        try {
            send(progress, ResearchProgress.of(job.tenant(), job.id(), stage, message, counts[0], counts[1]), job.id());
        } catch (RuntimeException e) {
            LOG.debugf("progress of %s not published: %s", job.id(), e.getMessage());
        }
    }

    /** A stage's step the job is at but has no row for (seen after a crash on the embedded database): made again. */
    private void restore(ResearchStore.Job job, ResearchStore.NewStep step) {
        LOG.warnf("research %s is %s without its step %s: making it again", job.id(), job.status(), step.stepId());
        if (store.insert(job.id(), step)) {
            publish(job, List.of(step));
        }
    }

    /** Publishes again what a crash between a commit and a publish may have lost: the job's unfinished steps. */
    private void redrive(String jobId) {
        store.job(jobId).ifPresent(job -> {
            for (String kind : List.of("research", "write", "review")) {
                store.steps(jobId, kind).stream().filter(s -> !s.finished()).forEach(s -> {
                    ResearchStep step = ResearchStep.of(job.tenant(), jobId, s.stepId(), kind(kind));
                    send(steps, step, step.partitionKey());
                });
            }
        });
    }

    /**
     * Every few seconds: steps stored but never started within {@code research.redrive-after} are published again (a
     * publish lost to a crash right after the commit), so are steps started longer ago than {@code research.step-timeout}
     * (a worker stuck or gone while its record was committed), jobs with no step left to run that have not moved
     * within {@code research.redrive-after} are moved on, and jobs never planned have their request published again.
     * Running both on several instances only repeats messages, which the steps' stored results make harmless.
     */
    @Scheduled(every = "10s", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        try {
            Duration after = config.research().redriveAfter();
            for (ResearchStore.Step s : store.stalled(after, config.research().stepTimeout())) {
                store.job(s.jobId()).ifPresent(job -> {
                    ResearchStep step = ResearchStep.of(job.tenant(), job.id(), s.stepId(), kind(s.kind()));
                    send(steps, step, step.partitionKey());
                });
            }
            for (String id : store.idle(after)) {
                store.job(id).ifPresent(this::advance);
            }
            EventOutbox.Redriven r = outbox.redrive(
                    COMPLETED_TOPIC,
                    after,
                    after.multipliedBy(2),
                    100,
                    entry -> send(completed, entry.event(ResearchCompleted.class), entry.partitionKey()));
            if (r.published() > 0) {
                LOG.infof("published %d research-completed event(s) left in the outbox", r.published());
            }
            for (String id : store.unplanned(after)) {
                store.job(id).ifPresent(this::request);
            }
        } catch (RuntimeException | java.sql.SQLException e) {
            LOG.debugf("research sweep skipped: %s", e.getMessage());
        }
    }

    /**
     * Publishes a stored job's request on {@code research.requested}, which starts it (a job created through the API,
     * or one the sweep finds never planned); throws when the broker does not acknowledge it.
     */
    public void request(ResearchStore.Job job) {
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

    private static <T> void send(MutinyEmitter<T> emitter, T event, String key) {
        emitter.sendMessage(Message.of(event)
                        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                                .withKey(key)
                                .build()))
                .await()
                .atMost(Duration.ofSeconds(10));
    }
}
