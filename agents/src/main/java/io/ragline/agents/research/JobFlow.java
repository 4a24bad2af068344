package io.ragline.agents.research;

import io.ragline.agents.config.AgentsConfig;
import io.ragline.model.ModelUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Moves a job from stage to stage once the steps it waits for have finished: researching (level by level, follow-up
 * sub-questions while depth and budget allow) → writing → reviewing → writing again for a revision or the end. Every
 * move is a {@link Transition} the store applies for one instance only; the new steps are published after it.
 */
@ApplicationScoped
class JobFlow {

    private static final Logger LOG = Logger.getLogger(JobFlow.class);

    @Inject
    ResearchStore store;

    @Inject
    AgentsConfig config;

    @Inject
    StepRunner runner;

    @Inject
    Drafts drafts;

    @Inject
    JobEnds ends;

    @Inject
    ResearchMessages messages;

    /** Plans a queued job: its outline and first-level sub-questions, by the model or extractively. */
    void plan(ResearchStore.Job job) {
        if (job.cancelRequested()) {
            ends.cancel(job);
            return;
        }
        Planner.Plan plan;
        String mode = "model";
        if (runner.model().available()) {
            try {
                plan = Planner.plan(runner.model(), job.question(), job.breadth());
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
        List<ResearchStore.NewStep> next = researchSteps(1, plan.questions());
        List<String> outline = plan.outline().isEmpty() ? plan.questions() : plan.outline();
        if (store.transition(Transition.planned(job.id(), mode, outline, next))) {
            messages.steps(job, next);
            messages.progress(job, "researching", "planned " + next.size() + " sub-questions (" + mode + ")");
        } else {
            messages.redrive(job.id());
        }
    }

    /** Moves a job on once the step it waits for has finished. */
    void advance(ResearchStore.Job job) {
        if (job.finished()) {
            return;
        }
        if (job.cancelRequested()) {
            ends.cancel(job); // every move below is refused once cancellation is asked for
            return;
        }
        switch (JobStatus.of(job.status())) {
            case RESEARCHING -> afterResearch(job);
            case WRITING -> afterWriting(job);
            case REVIEWING -> afterReview(job);
            default -> {
                // queued: the planner has not finished; finished: nothing to move
            }
        }
    }

    private void afterResearch(ResearchStore.Job job) {
        List<ResearchStore.Step> research = store.steps(job.id(), "research");
        if (research.stream().anyMatch(s -> !s.finished())) {
            return;
        }
        if ("model".equals(job.mode()) && job.level() < job.depth() && job.overBudget() == null) {
            List<ResearchStore.NewStep> next = followUps(job, research);
            if (!next.isEmpty()) {
                if (store.transition(Transition.deeper(job, next))) {
                    messages.steps(job, next);
                    messages.progress(
                            job,
                            "researching",
                            "level " + (job.level() + 1) + ": " + next.size() + " follow-up sub-questions");
                }
                return;
            }
        }
        Transition write = Transition.write(job, new ResearchStore.NewStep("write-0", "write", job.level(), null));
        if (store.transition(write)) {
            messages.steps(job, write.next());
            messages.progress(job, "writing", "writing the report");
        }
    }

    private void afterWriting(ResearchStore.Job job) {
        ResearchStore.Step w = store.step(job.id(), "write-" + job.round()).orElse(null);
        if (w == null) {
            restore(job, new ResearchStore.NewStep("write-" + job.round(), "write", job.level(), null));
            return;
        }
        if (!w.finished()) {
            return;
        }
        Report report = drafts.report(job.id(), job.round());
        if ("model".equals(report.mode()) && !report.claims().isEmpty()) {
            Transition review = Transition.review(
                    job, new ResearchStore.NewStep("review-" + job.round(), "review", job.level(), null));
            if (store.transition(review)) {
                messages.steps(job, review.next());
                messages.progress(job, "reviewing", "reviewing the report (round " + (job.round() + 1) + ")");
            }
        } else {
            ends.finish(job, "completed", report);
        }
    }

    private void afterReview(ResearchStore.Job job) {
        ResearchStore.Step r = store.step(job.id(), "review-" + job.round()).orElse(null);
        if (r == null) {
            restore(job, new ResearchStore.NewStep("review-" + job.round(), "review", job.level(), null));
            return;
        }
        if (!r.finished()) {
            return;
        }
        Report report = drafts.report(job.id(), job.round());
        List<Writer.Issue> issues = drafts.issues(job.id(), job.round());
        if (!issues.isEmpty() && job.round() + 1 < config.research().maxReviewRounds() && job.overBudget() == null) {
            int round = job.round() + 1;
            Transition revise = Transition.revise(
                    job, round, new ResearchStore.NewStep("write-" + round, "write", job.level(), null));
            if (store.transition(revise)) {
                messages.steps(job, revise.next());
                messages.progress(job, "writing", issues.size() + " unsupported claim(s) sent back for revision");
            }
        } else {
            ends.finish(job, "completed", Drafts.withoutUnsupported(report, Drafts.verdicts(r)));
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
            Planner.Plan plan = Planner.followUps(runner.model(), job.question(), researched, notes, job.breadth());
            store.charge(job.id(), plan.tokens(), 1);
            return researchSteps(job.level() + 1, plan.questions());
        } catch (ModelUnavailableException e) {
            LOG.warnf("research %s: no follow-up questions: %s", job.id(), e.getMessage());
            return List.of();
        }
    }

    /** A level's researcher steps, {@code research-<level>-<n>}. */
    private static List<ResearchStore.NewStep> researchSteps(int level, List<String> questions) {
        List<ResearchStore.NewStep> next = new ArrayList<>();
        for (int i = 0; i < questions.size(); i++) {
            next.add(new ResearchStore.NewStep(
                    "research-" + level + "-" + (i + 1), "research", level, questions.get(i)));
        }
        return next;
    }

    /** A stage's step the job is at but has no row for (seen after a crash on the embedded database): made again. */
    private void restore(ResearchStore.Job job, ResearchStore.NewStep step) {
        LOG.warnf("research %s is %s without its step %s: making it again", job.id(), job.status(), step.stepId());
        if (store.insert(job.id(), step)) {
            messages.steps(job, List.of(step));
        }
    }
}
