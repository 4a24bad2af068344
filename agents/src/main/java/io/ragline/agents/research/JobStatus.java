package io.ragline.agents.research;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A research job's status ({@code research_jobs.status} holds its lower-case name) and the moves the agent makes
 * between the working ones; a job leaves them only by finishing ({@code completed}, {@code budget_exhausted}, {@code failed},
 * {@code cancelled}).
 */
public enum JobStatus {
    QUEUED,
    RESEARCHING,
    WRITING,
    REVIEWING,
    COMPLETED,
    BUDGET_EXHAUSTED,
    FAILED,
    CANCELLED;

    /** From each working status, where a transition may go (researching to researching: one level deeper). */
    private static final Map<JobStatus, Set<JobStatus>> MOVES = Map.of(
            QUEUED, EnumSet.of(RESEARCHING),
            RESEARCHING, EnumSet.of(RESEARCHING, WRITING),
            WRITING, EnumSet.of(REVIEWING),
            REVIEWING, EnumSet.of(WRITING));

    /** The name stored and shown. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JobStatus of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    public boolean canMoveTo(JobStatus to) {
        return MOVES.getOrDefault(this, Set.of()).contains(to);
    }
}
