package io.ragline.agents.research;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.ragline.contracts.outbox.EventOutbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Research jobs and steps in PostgreSQL ({@code research_jobs}, {@code research_steps}). Every stage change inserts
 * the next steps and moves the job in one transaction, guarded by the stage it leaves, so of two instances finishing
 * the last two steps at once exactly one moves the job on; a step's result is written once, the first completion
 * winning.
 */
@ApplicationScoped
public class ResearchStore {

    /** The agents' outbox table (agents schema V1). */
    static final String OUTBOX = "agents_outbox";

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> FINISHED = List.of("completed", "budget_exhausted", "cancelled", "failed");

    @Inject
    AgroalDataSource dataSource;

    /** A job as stored. */
    public record Job(
            String id,
            String tenant,
            String question,
            int breadth,
            int depth,
            int maxSources,
            JsonNode filters,
            String status,
            String mode,
            List<String> outline,
            int level,
            int round,
            int stepsUsed,
            int tokensUsed,
            int maxSteps,
            int maxTokens,
            Instant deadline,
            boolean cancelRequested,
            Instant createdAt,
            JsonNode missing) {

        boolean finished() {
            return FINISHED.contains(status);
        }

        /** Why the job may not spend more, or null. */
        String overBudget() {
            if (stepsUsed >= maxSteps) {
                return "the step budget (" + maxSteps + ") ran out";
            }
            if (tokensUsed >= maxTokens) {
                return "the token budget (" + maxTokens + ") ran out";
            }
            if (Instant.now().isAfter(deadline)) {
                return "the time budget ran out";
            }
            return null;
        }
    }

    /** A step as stored. */
    public record Step(
            String jobId, String stepId, String kind, int level, String question, String status, JsonNode result) {

        boolean finished() {
            return !status.equals("pending");
        }
    }

    /** A step to create: a researcher's sub-question, or a write/review step (no question). */
    public record NewStep(String stepId, String kind, int level, String question) {}

    public Optional<Job> job(String id) {
        List<Job> out = query(
                "SELECT id, tenant, question, breadth, depth, max_sources, filters::text, status, mode, outline::text,"
                        + " level, round, steps_used, tokens_used, max_steps, max_tokens, deadline, cancel_requested,"
                        + " created_at, missing::text FROM research_jobs WHERE id = ?",
                rs -> new Job(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getInt(4),
                        rs.getInt(5),
                        rs.getInt(6),
                        tree(rs.getString(7)),
                        rs.getString(8),
                        rs.getString(9),
                        strings(tree(rs.getString(10))),
                        rs.getInt(11),
                        rs.getInt(12),
                        rs.getInt(13),
                        rs.getInt(14),
                        rs.getInt(15),
                        rs.getInt(16),
                        rs.getTimestamp(17).toInstant(),
                        rs.getBoolean(18),
                        rs.getTimestamp(19).toInstant(),
                        tree(rs.getString(20))),
                id);
        return out.stream().findFirst();
    }

    /** Whether the job's cancellation was asked for (true for a job that no longer exists). */
    public boolean cancelRequested(String jobId) {
        return query("SELECT cancel_requested FROM research_jobs WHERE id = ?", rs -> rs.getBoolean(1), jobId).stream()
                .findFirst()
                .orElse(true);
    }

    public Optional<Step> step(String jobId, String stepId) {
        return steps(
                        "SELECT job_id, step_id, kind, level, question, status, result::text FROM research_steps"
                                + " WHERE job_id = ? AND step_id = ?",
                        jobId,
                        stepId)
                .stream()
                .findFirst();
    }

    /** The job's steps of a kind, in creation order. */
    public List<Step> steps(String jobId, String kind) {
        return steps(
                "SELECT job_id, step_id, kind, level, question, status, result::text FROM research_steps"
                        + " WHERE job_id = ? AND kind = ? ORDER BY level, created_at, step_id",
                jobId,
                kind);
    }

    /** Steps stored but not finished, of unfinished jobs, not started within {@code after} (or started long ago). */
    public List<Step> stalled(Duration after, Duration running) {
        return steps(
                "SELECT s.job_id, s.step_id, s.kind, s.level, s.question, s.status, s.result::text FROM research_steps s"
                        + " JOIN research_jobs j ON j.id = s.job_id WHERE s.status = 'pending' AND j.status NOT IN"
                        + " ('completed', 'budget_exhausted', 'cancelled', 'failed') AND ((s.started_at IS NULL AND"
                        + " s.created_at < now() - make_interval(secs => ?)) OR s.started_at < now() -"
                        + " make_interval(secs => ?)) LIMIT 100",
                after.toSeconds(),
                running.toSeconds());
    }

    /** Unfinished jobs past planning with no pending step that have not moved within {@code after}. */
    public List<String> idle(Duration after) {
        return query(
                "SELECT j.id FROM research_jobs j WHERE j.status IN ('researching', 'writing', 'reviewing') AND"
                        + " j.updated_at < now() - make_interval(secs => ?) AND NOT EXISTS (SELECT 1 FROM"
                        + " research_steps s WHERE s.job_id = j.id AND s.status = 'pending') LIMIT 100",
                rs -> rs.getString(1),
                after.toSeconds());
    }

    /** Inserts one step; false when it exists. */
    public boolean insert(String jobId, NewStep step) {
        return update(
                        "INSERT INTO research_steps (job_id, step_id, kind, level, question) VALUES (?, ?, ?, ?, ?) ON"
                                + " CONFLICT DO NOTHING",
                        jobId,
                        step.stepId(),
                        step.kind(),
                        step.level(),
                        step.question())
                == 1;
    }

    /** Jobs the gateway stored whose request was never planned (its publish lost), older than {@code after}. */
    public List<String> unplanned(Duration after) {
        return query(
                "SELECT id FROM research_jobs WHERE status = 'queued' AND NOT cancel_requested AND created_at < now() -"
                        + " make_interval(secs => ?) LIMIT 100",
                rs -> rs.getString(1),
                after.toSeconds());
    }

    /** Marks a step started by a worker (attempts counted); false when it is finished already. */
    public boolean begin(String jobId, String stepId, String worker) {
        return update(
                        "UPDATE research_steps SET started_at = now(), attempts = attempts + 1, worker = ? WHERE job_id"
                                + " = ? AND step_id = ? AND status = 'pending'",
                        worker,
                        jobId,
                        stepId)
                == 1;
    }

    /**
     * Stores a step's result and charges its tokens and one step to the job, unless the step is finished already
     * (another worker, a redelivery): then nothing changes and false is returned.
     */
    public boolean complete(String jobId, String stepId, String status, JsonNode result, int tokens, String reason) {
        return transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE research_steps SET status = ?, result = ?::jsonb, tokens = ?, reason = ?, finished_at ="
                            + " now() WHERE job_id = ? AND step_id = ? AND status = 'pending'")) {
                ps.setString(1, status);
                ps.setString(2, result == null ? null : result.toString());
                ps.setInt(3, tokens);
                ps.setString(4, reason);
                ps.setString(5, jobId);
                ps.setString(6, stepId);
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            charge(c, jobId, tokens, status.equals("skipped") ? 0 : 1);
            return true;
        });
    }

    /** Charges tokens spent outside a step (planning) to the job. */
    public void charge(String jobId, int tokens, int steps) {
        transaction(c -> {
            charge(c, jobId, tokens, steps);
            return null;
        });
    }

    private static void charge(Connection c, String jobId, int tokens, int steps) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE research_jobs SET tokens_used = tokens_used + ?,"
                + " steps_used = steps_used + ?, updated_at = now() WHERE id = ?")) {
            ps.setInt(1, tokens);
            ps.setInt(2, steps);
            ps.setString(3, jobId);
            ps.executeUpdate();
        }
    }

    /**
     * Applies a transition, inserting its next steps, in one transaction; false when the job was not there any more
     * (another instance moved it, or it was cancelled). The research stage is left only when every researcher step
     * of the level has finished.
     */
    public boolean transition(Transition t) {
        String jobId = t.jobId();
        String from = t.from().value();
        List<String> outline = t.outline();
        return transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE research_jobs SET status = ?, level = ?, round = ?,"
                    + " mode = coalesce(?, mode), outline = coalesce(?::jsonb, outline), updated_at = now() WHERE id"
                    + " = ? AND status = ? AND level = ? AND NOT cancel_requested AND (? <> 'researching' OR NOT"
                    + " EXISTS (SELECT 1 FROM research_steps WHERE job_id = ? AND kind = 'research' AND status ="
                    + " 'pending'))")) {
                ps.setString(1, t.to().value());
                ps.setInt(2, t.toLevel());
                ps.setInt(3, t.round());
                ps.setString(4, t.mode());
                ps.setString(
                        5, outline == null ? null : JSON.valueToTree(outline).toString());
                ps.setString(6, jobId);
                ps.setString(7, from);
                ps.setInt(8, t.fromLevel());
                ps.setString(9, from);
                ps.setString(10, jobId);
                if (ps.executeUpdate() != 1) {
                    c.rollback();
                    return false;
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO research_steps (job_id, step_id, kind, level, question) VALUES (?, ?, ?, ?, ?)"
                            + " ON CONFLICT DO NOTHING")) {
                for (NewStep s : t.next()) {
                    ps.setString(1, jobId);
                    ps.setString(2, s.stepId());
                    ps.setString(3, s.kind());
                    ps.setInt(4, s.level());
                    ps.setString(5, s.question());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return true;
        });
    }

    /** Ends the job (unless it has ended already); false when it had. */
    public boolean finish(
            String jobId,
            String status,
            String mode,
            String markdown,
            JsonNode report,
            JsonNode sources,
            List<String> missing,
            String message,
            EventOutbox.Entry completed) {
        // the job and its research-completed event in one statement: a finished job always has its event
        return query(
                                "WITH j AS (UPDATE research_jobs SET status = ?, mode = coalesce(?, mode), report_markdown = ?,"
                                        + " report = ?::jsonb, sources = ?::jsonb, missing = ?::jsonb, message = ?,"
                                        + " finished_at = now(), updated_at = now() WHERE id = ? AND status NOT IN"
                                        + " ('completed', 'budget_exhausted', 'cancelled', 'failed') RETURNING id),"
                                        + " o AS (INSERT INTO " + OUTBOX + " (" + EventOutbox.Entry.COLUMNS + ")"
                                        + " SELECT ?, ?, ?, ? FROM j)"
                                        + " SELECT count(*) FROM j",
                                rs -> rs.getInt(1),
                                status,
                                mode,
                                markdown,
                                report == null ? null : report.toString(),
                                sources == null ? null : sources.toString(),
                                JSON.valueToTree(missing).toString(),
                                message,
                                jobId,
                                completed.eventId(),
                                completed.topic(),
                                completed.partitionKey(),
                                completed.payload())
                        .get(0)
                == 1;
    }

    /** Counts of the job's steps: finished and all. */
    public int[] progress(String jobId) {
        return query(
                        "SELECT count(*) FILTER (WHERE status <> 'pending'), count(*) FROM research_steps WHERE job_id"
                                + " = ?",
                        rs -> new int[] {rs.getInt(1), rs.getInt(2)},
                        jobId)
                .get(0);
    }

    private List<Step> steps(String sql, Object... params) {
        return query(
                sql,
                rs -> new Step(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getInt(4),
                        rs.getString(5),
                        rs.getString(6),
                        tree(rs.getString(7))),
                params);
    }

    static JsonNode tree(String json) {
        try {
            return json == null ? null : JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            array.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> List<T> query(String sql, Row<T> row, Object... params) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row.read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("the research store failed: " + e.getMessage(), e);
        }
    }

    private int update(String sql, Object... params) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the research store failed: " + e.getMessage(), e);
        }
    }

    private <T> T transaction(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T out = work.run(c);
                c.commit();
                return out;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the research store failed: " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p instanceof Integer n) {
                ps.setInt(i + 1, n);
            } else if (p instanceof Long n) {
                ps.setLong(i + 1, n);
            } else {
                ps.setString(i + 1, (String) p);
            }
        }
    }
}
