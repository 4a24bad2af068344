package io.ragline.agents.research.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.ragline.contracts.research.api.NewResearchJob;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/**
 * Research jobs as the API sees them ({@link io.ragline.contracts.research.api.ResearchJobsApi}): created, read with
 * their steps (always within one tenant) and cancelled. The agents' workers move them on through {@code
 * ResearchStore}.
 */
@ApplicationScoped
public class ResearchJobs {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    AgroalDataSource dataSource;

    /** A new job; false when the id is taken. */
    public boolean create(String id, NewResearchJob job) {
        String sql = "INSERT INTO research_jobs (id, tenant, question, breadth, depth, max_sources, filters, status,"
                + " max_steps, max_tokens, deadline) VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, 'queued', ?, ?, ?) ON CONFLICT"
                + " (id) DO NOTHING";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            ps.setString(2, job.tenant());
            ps.setString(3, job.question());
            ps.setInt(4, job.breadth());
            ps.setInt(5, job.depth());
            ps.setInt(6, job.maxSources());
            ps.setString(7, job.filters().isEmpty() ? null : JSON.writeValueAsString(job.filters()));
            ps.setInt(8, job.maxSteps());
            ps.setInt(9, job.maxTokens());
            ps.setTimestamp(10, Timestamp.from(Instant.now().plusSeconds(job.maxTimeSeconds())));
            return ps.executeUpdate() == 1;
        } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("research job not stored: " + e.getMessage(), e);
        }
    }

    /** The tenant that owns a job id, if it exists. */
    public Optional<String> owner(String id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT tenant FROM research_jobs WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The job as the API shows it: state, progress, steps, usage, budget, the report when there is one. */
    public Optional<ObjectNode> find(String tenant, String id) {
        String sql = "SELECT id, question, breadth, depth, max_sources, status, mode, outline::text, level, round,"
                + " report_markdown, report::text, missing::text, steps_used, tokens_used, max_steps, max_tokens,"
                + " deadline, cancel_requested, message, created_at, updated_at, finished_at FROM research_jobs"
                + " WHERE tenant = ? AND id = ?";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenant);
            ps.setString(2, id);
            ObjectNode job = JSON.createObjectNode();
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                job.put("id", rs.getString("id"))
                        .put("question", rs.getString("question"))
                        .put("breadth", rs.getInt("breadth"))
                        .put("depth", rs.getInt("depth"))
                        .put("maxSources", rs.getInt("max_sources"))
                        .put("status", rs.getString("status"))
                        .put("mode", rs.getString("mode"))
                        .put("level", rs.getInt("level"))
                        .put("round", rs.getInt("round"))
                        .put("cancelRequested", rs.getBoolean("cancel_requested"))
                        .put("message", rs.getString("message"));
                job.set("outline", tree(rs.getString("outline")));
                job.putObject("usage").put("steps", rs.getInt("steps_used")).put("tokens", rs.getInt("tokens_used"));
                job.putObject("budget")
                        .put("steps", rs.getInt("max_steps"))
                        .put("tokens", rs.getInt("max_tokens"))
                        .put("deadline", rs.getTimestamp("deadline").toInstant().toString());
                job.put("createdAt", rs.getTimestamp("created_at").toInstant().toString());
                job.put("updatedAt", rs.getTimestamp("updated_at").toInstant().toString());
                Timestamp finished = rs.getTimestamp("finished_at");
                job.put(
                        "finishedAt",
                        finished == null ? null : finished.toInstant().toString());
                job.set("missing", tree(rs.getString("missing")));
                job.put("reportMarkdown", rs.getString("report_markdown"));
                job.set("report", tree(rs.getString("report")));
            }
            ArrayNode steps = job.putArray("steps");
            int finished = 0;
            try (PreparedStatement ps2 = c.prepareStatement("SELECT step_id, kind, level, question, status, reason,"
                    + " attempts, tokens, worker FROM research_steps WHERE job_id = ? ORDER BY level, created_at,"
                    + " step_id")) {
                ps2.setString(1, id);
                try (ResultSet rs = ps2.executeQuery()) {
                    while (rs.next()) {
                        steps.addObject()
                                .put("stepId", rs.getString(1))
                                .put("kind", rs.getString(2))
                                .put("level", rs.getInt(3))
                                .put("question", rs.getString(4))
                                .put("status", rs.getString(5))
                                .put("reason", rs.getString(6))
                                .put("attempts", rs.getInt(7))
                                .put("tokens", rs.getInt(8))
                                .put("worker", rs.getString(9));
                        if (!rs.getString(5).equals("pending")) {
                            finished++;
                        }
                    }
                }
            }
            job.putObject("progress")
                    .put("stage", job.path("status").asText())
                    .put("completedSteps", finished)
                    .put("totalSteps", steps.size());
            return Optional.of(job);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Asks for a job's cancellation: a queued job ends at once, a running one when its agents next check (before each
     * step and model call). Empty when there is no such job; false when it had finished already.
     */
    public Optional<Boolean> cancel(String tenant, String id) {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE research_jobs SET cancel_requested = true,"
                    + " status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END, finished_at = CASE"
                    + " WHEN status = 'queued' THEN now() ELSE finished_at END, message = CASE WHEN status ="
                    + " 'queued' THEN 'cancelled on request' ELSE message END, updated_at = now() WHERE tenant = ?"
                    + " AND id = ? AND status NOT IN ('completed', 'budget_exhausted', 'cancelled', 'failed')")) {
                ps.setString(1, tenant);
                ps.setString(2, id);
                if (ps.executeUpdate() == 1) {
                    return Optional.of(true);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM research_jobs WHERE tenant = ? AND id = ?")) {
                ps.setString(1, tenant);
                ps.setString(2, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(false) : Optional.empty();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode tree(String json) {
        try {
            return json == null ? null : JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
