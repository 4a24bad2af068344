package io.ragline.agents.research;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ragline.contracts.outbox.EventOutbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * Research jobs and steps in PostgreSQL ({@code research_jobs}, {@code research_steps}). Every stage change inserts
 * the next steps and moves the job in one transaction, guarded by the stage it leaves, so of two instances finishing
 * the last two steps at once exactly one moves the job on; a step's result is written once, the first completion
 * winning. SQL through Jdbi with named parameters; a database failure is one of Jdbi's unchecked exceptions.
 */
@ApplicationScoped
public class ResearchStore {

    /** The agents' outbox table (agents schema V1). */
    static final String OUTBOX = "agents_outbox";

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> FINISHED = List.of("completed", "budget_exhausted", "cancelled", "failed");

    private static final String STEP_COLUMNS = "job_id, step_id, kind, level, question, status, result::text";

    private static final String INSERT_STEP = "INSERT INTO research_steps (job_id, step_id, kind, level, question)"
            + " VALUES (:jobId, :stepId, :kind, :level, :question) ON CONFLICT DO NOTHING";

    private static final String UNFINISHED = "('completed', 'budget_exhausted', 'cancelled', 'failed')";

    @Inject
    Jdbi jdbi;

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
        return jdbi.withHandle(h -> h.createQuery("SELECT id, tenant, question, breadth, depth, max_sources,"
                        + " filters::text AS filters, status, mode, outline::text AS outline, level, round,"
                        + " steps_used, tokens_used, max_steps, max_tokens, deadline, cancel_requested, created_at,"
                        + " missing::text AS missing FROM research_jobs WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> new Job(
                        rs.getString("id"),
                        rs.getString("tenant"),
                        rs.getString("question"),
                        rs.getInt("breadth"),
                        rs.getInt("depth"),
                        rs.getInt("max_sources"),
                        tree(rs.getString("filters")),
                        rs.getString("status"),
                        rs.getString("mode"),
                        strings(tree(rs.getString("outline"))),
                        rs.getInt("level"),
                        rs.getInt("round"),
                        rs.getInt("steps_used"),
                        rs.getInt("tokens_used"),
                        rs.getInt("max_steps"),
                        rs.getInt("max_tokens"),
                        rs.getTimestamp("deadline").toInstant(),
                        rs.getBoolean("cancel_requested"),
                        rs.getTimestamp("created_at").toInstant(),
                        tree(rs.getString("missing"))))
                .findOne());
    }

    /** Whether the job's cancellation was asked for (true for a job that no longer exists). */
    public boolean cancelRequested(String jobId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT cancel_requested FROM research_jobs WHERE id = :id")
                .bind("id", jobId)
                .mapTo(Boolean.class)
                .findOne()
                .orElse(true));
    }

    public Optional<Step> step(String jobId, String stepId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT " + STEP_COLUMNS + " FROM research_steps WHERE job_id = :jobId AND step_id = :stepId")
                .bind("jobId", jobId)
                .bind("stepId", stepId)
                .map((rs, ctx) -> step(rs))
                .findOne());
    }

    /** The job's steps of a kind, in creation order. */
    public List<Step> steps(String jobId, String kind) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + STEP_COLUMNS + " FROM research_steps"
                        + " WHERE job_id = :jobId AND kind = :kind ORDER BY level, created_at, step_id")
                .bind("jobId", jobId)
                .bind("kind", kind)
                .map((rs, ctx) -> step(rs))
                .list());
    }

    /** Steps stored but not finished, of unfinished jobs, not started within {@code after} (or started long ago). */
    public List<Step> stalled(Duration after, Duration running) {
        return jdbi.withHandle(h -> h.createQuery("SELECT s.job_id, s.step_id, s.kind, s.level, s.question, s.status,"
                        + " s.result::text FROM research_steps s JOIN research_jobs j ON j.id = s.job_id"
                        + " WHERE s.status = 'pending' AND j.status NOT IN " + UNFINISHED
                        + " AND ((s.started_at IS NULL AND s.created_at < now() - make_interval(secs => :after))"
                        + " OR s.started_at < now() - make_interval(secs => :running)) LIMIT 100")
                .bind("after", after.toSeconds())
                .bind("running", running.toSeconds())
                .map((rs, ctx) -> step(rs))
                .list());
    }

    /** Unfinished jobs past planning with no pending step that have not moved within {@code after}. */
    public List<String> idle(Duration after) {
        return jdbi.withHandle(h -> h.createQuery("SELECT j.id FROM research_jobs j"
                        + " WHERE j.status IN ('researching', 'writing', 'reviewing')"
                        + " AND j.updated_at < now() - make_interval(secs => :after) AND NOT EXISTS"
                        + " (SELECT 1 FROM research_steps s WHERE s.job_id = j.id AND s.status = 'pending') LIMIT 100")
                .bind("after", after.toSeconds())
                .mapTo(String.class)
                .list());
    }

    /** Inserts one step; false when it exists. */
    public boolean insert(String jobId, NewStep step) {
        return jdbi.withHandle(
                        h -> bindStep(h.createUpdate(INSERT_STEP), jobId, step).execute())
                == 1;
    }

    /** Jobs the gateway stored whose request was never planned (its publish lost), older than {@code after}. */
    public List<String> unplanned(Duration after) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id FROM research_jobs WHERE status = 'queued'"
                        + " AND NOT cancel_requested AND created_at < now() - make_interval(secs => :after) LIMIT 100")
                .bind("after", after.toSeconds())
                .mapTo(String.class)
                .list());
    }

    /** Marks a step started by a worker (attempts counted); false when it is finished already. */
    public boolean begin(String jobId, String stepId, String worker) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE research_steps SET started_at = now(),"
                                + " attempts = attempts + 1, worker = :worker"
                                + " WHERE job_id = :jobId AND step_id = :stepId AND status = 'pending'")
                        .bind("worker", worker)
                        .bind("jobId", jobId)
                        .bind("stepId", stepId)
                        .execute())
                == 1;
    }

    /**
     * Stores a step's result and charges its tokens and one step to the job, unless the step is finished already
     * (another worker, a redelivery): then nothing changes and false is returned.
     */
    public boolean complete(String jobId, String stepId, String status, JsonNode result, int tokens, String reason) {
        return jdbi.inTransaction(h -> {
            int stored = h.createUpdate("UPDATE research_steps SET status = :status, result = :result::jsonb,"
                            + " tokens = :tokens, reason = :reason, finished_at = now()"
                            + " WHERE job_id = :jobId AND step_id = :stepId AND status = 'pending'")
                    .bind("status", status)
                    .bind("result", result == null ? null : result.toString())
                    .bind("tokens", tokens)
                    .bind("reason", reason)
                    .bind("jobId", jobId)
                    .bind("stepId", stepId)
                    .execute();
            if (stored != 1) {
                return false;
            }
            charge(h, jobId, tokens, status.equals("skipped") ? 0 : 1);
            return true;
        });
    }

    /** Charges tokens spent outside a step (planning) to the job. */
    public void charge(String jobId, int tokens, int steps) {
        jdbi.useHandle(h -> charge(h, jobId, tokens, steps));
    }

    private static void charge(Handle h, String jobId, int tokens, int steps) {
        h.createUpdate("UPDATE research_jobs SET tokens_used = tokens_used + :tokens, steps_used = steps_used + :steps,"
                        + " updated_at = now() WHERE id = :id")
                .bind("tokens", tokens)
                .bind("steps", steps)
                .bind("id", jobId)
                .execute();
    }

    /**
     * Applies a transition, inserting its next steps, in one transaction; false when the job was not there any more
     * (another instance moved it, or it was cancelled). The research stage is left only when every researcher step
     * of the level has finished.
     */
    public boolean transition(Transition t) {
        List<String> outline = t.outline();
        return jdbi.inTransaction(h -> {
            int moved = h.createUpdate(
                            "UPDATE research_jobs SET status = :to, level = :toLevel, round = :round,"
                                    + " mode = coalesce(:mode, mode), outline = coalesce(:outline::jsonb, outline),"
                                    + " updated_at = now() WHERE id = :jobId AND status = :from AND level = :fromLevel"
                                    + " AND NOT cancel_requested AND (:from <> 'researching' OR NOT EXISTS (SELECT 1"
                                    + " FROM research_steps WHERE job_id = :jobId AND kind = 'research' AND status = 'pending'))")
                    .bind("to", t.to().value())
                    .bind("toLevel", t.toLevel())
                    .bind("round", t.round())
                    .bind("mode", t.mode())
                    .bind(
                            "outline",
                            outline == null ? null : JSON.valueToTree(outline).toString())
                    .bind("jobId", t.jobId())
                    .bind("from", t.from().value())
                    .bind("fromLevel", t.fromLevel())
                    .execute();
            if (moved != 1) {
                return false;
            }
            PreparedBatch insert = h.prepareBatch(INSERT_STEP);
            for (NewStep s : t.next()) {
                bindStep(insert, t.jobId(), s).add();
            }
            if (!t.next().isEmpty()) {
                insert.execute();
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
        return jdbi.withHandle(h -> h.createQuery("WITH j AS (UPDATE research_jobs SET status = :status,"
                                + " mode = coalesce(:mode, mode), report_markdown = :markdown,"
                                + " report = :report::jsonb, sources = :sources::jsonb, missing = :missing::jsonb,"
                                + " message = :message, finished_at = now(), updated_at = now()"
                                + " WHERE id = :jobId AND status NOT IN " + UNFINISHED + " RETURNING id),"
                                + " o AS (INSERT INTO " + OUTBOX + " (" + EventOutbox.Entry.COLUMNS + ")"
                                + " SELECT :eventId, :topic, :partitionKey, :payload FROM j)"
                                + " SELECT count(*) FROM j")
                        .bind("status", status)
                        .bind("mode", mode)
                        .bind("markdown", markdown)
                        .bind("report", report == null ? null : report.toString())
                        .bind("sources", sources == null ? null : sources.toString())
                        .bind("missing", JSON.valueToTree(missing).toString())
                        .bind("message", message)
                        .bind("jobId", jobId)
                        .bind("eventId", completed.eventId())
                        .bind("topic", completed.topic())
                        .bind("partitionKey", completed.partitionKey())
                        .bind("payload", completed.payload())
                        .mapTo(Integer.class)
                        .one())
                == 1;
    }

    /** Counts of the job's steps: finished and all. */
    public int[] progress(String jobId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FILTER (WHERE status <> 'pending'), count(*)"
                        + " FROM research_steps WHERE job_id = :jobId")
                .bind("jobId", jobId)
                .map((rs, ctx) -> new int[] {rs.getInt(1), rs.getInt(2)})
                .one());
    }

    private static <S extends SqlStatement<S>> S bindStep(S statement, String jobId, NewStep step) {
        return statement
                .bind("jobId", jobId)
                .bind("stepId", step.stepId())
                .bind("kind", step.kind())
                .bind("level", step.level())
                .bind("question", step.question());
    }

    private static Step step(ResultSet rs) throws SQLException {
        return new Step(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getInt(4),
                rs.getString(5),
                rs.getString(6),
                tree(rs.getString(7)));
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
}
