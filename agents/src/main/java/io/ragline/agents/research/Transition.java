package io.ragline.agents.research;

import java.util.List;

/**
 * One move of a job's state machine: from a status at a level to another, with the steps it creates. Made by the
 * named moves below, which say what each component is; a move {@link JobStatus} does not allow is refused.
 *
 * @param mode set on the job when not null (the planner's)
 * @param outline set on the job when not null (the planner's)
 */
public record Transition(
        String jobId,
        JobStatus from,
        int fromLevel,
        JobStatus to,
        int toLevel,
        int round,
        String mode,
        List<String> outline,
        List<ResearchStore.NewStep> next) {

    public Transition {
        if (!from.canMoveTo(to)) {
            throw new IllegalArgumentException("a research job does not move from " + from + " to " + to);
        }
        next = List.copyOf(next);
    }

    /** The plan is made: queued at level 1 to researching its sub-questions. */
    public static Transition planned(
            String jobId, String mode, List<String> outline, List<ResearchStore.NewStep> next) {
        return new Transition(jobId, JobStatus.QUEUED, 1, JobStatus.RESEARCHING, 1, 0, mode, outline, next);
    }

    /** Every researcher of the level finished: one level deeper, with follow-up sub-questions. */
    public static Transition deeper(ResearchStore.Job job, List<ResearchStore.NewStep> next) {
        return new Transition(
                job.id(),
                JobStatus.RESEARCHING,
                job.level(),
                JobStatus.RESEARCHING,
                job.level() + 1,
                0,
                null,
                null,
                next);
    }

    /** Research is done: write the report. */
    public static Transition write(ResearchStore.Job job, ResearchStore.NewStep writer) {
        return new Transition(
                job.id(),
                JobStatus.RESEARCHING,
                job.level(),
                JobStatus.WRITING,
                job.level(),
                0,
                null,
                null,
                List.of(writer));
    }

    /** The report of this round is written: review it. */
    public static Transition review(ResearchStore.Job job, ResearchStore.NewStep reviewer) {
        return new Transition(
                job.id(),
                JobStatus.WRITING,
                job.level(),
                JobStatus.REVIEWING,
                job.level(),
                job.round(),
                null,
                null,
                List.of(reviewer));
    }

    /** The review sent claims back: write the report again, in the next round. */
    public static Transition revise(ResearchStore.Job job, int round, ResearchStore.NewStep writer) {
        return new Transition(
                job.id(),
                JobStatus.REVIEWING,
                job.level(),
                JobStatus.WRITING,
                job.level(),
                round,
                null,
                null,
                List.of(writer));
    }
}
