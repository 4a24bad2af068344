package io.ragline.judge.evals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Golden datasets, runs, per-question results and pinned baselines, in PostgreSQL. */
@ApplicationScoped
public class EvalStore {

    /** One golden question. */
    public record Item(int ordinal, String question, String referenceAnswer, List<String> relevantDocIds) {}

    /** One run. */
    public record Run(
            String id,
            String tenant,
            String dataset,
            String status,
            String trigger,
            int items,
            int done,
            JsonNode summary,
            JsonNode comparison,
            boolean regressed,
            String reason,
            Instant startedAt,
            Instant finishedAt,
            JsonNode metadata) {}

    /** One question's outcome in a run. */
    public record Result(int ordinal, String question, String answer, String mode, JsonNode scores, JsonNode sources) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    AgroalDataSource dataSource;

    public int replaceDataset(String tenant, String dataset, List<Item> items) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement del = c.prepareStatement("DELETE FROM eval_items WHERE tenant = ? AND dataset = ?");
                    PreparedStatement ins = c.prepareStatement("INSERT INTO eval_items (tenant, dataset, ordinal,"
                            + " question, reference_answer, relevant_doc_ids) VALUES (?, ?, ?, ?, ?, ?::jsonb)")) {
                del.setString(1, tenant);
                del.setString(2, dataset);
                del.executeUpdate();
                for (Item i : items) {
                    ins.setString(1, tenant);
                    ins.setString(2, dataset);
                    ins.setInt(3, i.ordinal());
                    ins.setString(4, i.question());
                    ins.setString(5, i.referenceAnswer());
                    ins.setString(6, JSON.writeValueAsString(i.relevantDocIds()));
                    ins.addBatch();
                }
                ins.executeBatch();
                c.commit();
                return items.size();
            } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
                c.rollback();
                throw new IllegalStateException(e.getMessage(), e);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public List<Item> items(String tenant, String dataset) {
        List<Item> out = new ArrayList<>();
        query(
                "SELECT ordinal, question, reference_answer, relevant_doc_ids::text FROM eval_items WHERE tenant = ?"
                        + " AND dataset = ? ORDER BY ordinal",
                rs -> {
                    List<String> ids = new ArrayList<>();
                    JSON.readTree(rs.getString(4)).forEach(n -> ids.add(n.asText()));
                    out.add(new Item(rs.getInt(1), rs.getString(2), rs.getString(3), ids));
                },
                tenant,
                dataset);
        return out;
    }

    /** Every (tenant, dataset) that has items. */
    public List<String[]> datasets() {
        List<String[]> out = new ArrayList<>();
        query(
                "SELECT DISTINCT tenant, dataset FROM eval_items ORDER BY 1, 2",
                rs -> out.add(new String[] {rs.getString(1), rs.getString(2)}));
        return out;
    }

    /** Starts a run unless one of the dataset is running: returns the running one's id then. */
    public Optional<String> running(String tenant, String dataset) {
        List<String> ids = new ArrayList<>();
        query(
                "SELECT id FROM eval_runs WHERE tenant = ? AND dataset = ? AND status = 'running'"
                        + " AND started_at > now() - interval '6 hours'",
                rs -> ids.add(rs.getString(1)),
                tenant,
                dataset);
        return ids.stream().findFirst();
    }

    public void createRun(String id, String tenant, String dataset, String trigger, int items) {
        update(
                "INSERT INTO eval_runs (id, tenant, dataset, status, trigger, items) VALUES (?, ?, ?, 'running', ?, ?)",
                id,
                tenant,
                dataset,
                trigger,
                items);
    }

    public void saveResult(String runId, Result r) {
        update(
                "INSERT INTO eval_results (run_id, ordinal, question, answer, mode, scores, sources) VALUES"
                        + " (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb) ON CONFLICT (run_id, ordinal) DO NOTHING",
                runId,
                r.ordinal(),
                r.question(),
                r.answer(),
                r.mode(),
                r.scores().toString(),
                r.sources().toString());
        update("UPDATE eval_runs SET done = done + 1 WHERE id = ?", runId);
    }

    /** The run's metadata: models, prompt versions, modes, index. */
    public void saveMetadata(String id, JsonNode metadata) {
        update("UPDATE eval_runs SET metadata = ?::jsonb WHERE id = ?", metadata.toString(), id);
    }

    public void finishRun(
            String id, String status, JsonNode summary, JsonNode comparison, boolean regressed, String reason) {
        update(
                "UPDATE eval_runs SET status = ?, summary = ?::jsonb, comparison = ?::jsonb, regressed = ?, reason = ?,"
                        + " finished_at = now() WHERE id = ?",
                status,
                summary == null ? null : summary.toString(),
                comparison == null ? null : comparison.toString(),
                regressed,
                reason,
                id);
    }

    public Optional<Run> run(String id) {
        List<Run> out = runs("WHERE id = ?", id);
        return out.isEmpty() ? Optional.empty() : Optional.of(out.get(0));
    }

    /** The dataset's runs, oldest first. */
    public List<Run> history(String tenant, String dataset) {
        return runs("WHERE tenant = ? AND dataset = ? ORDER BY started_at", tenant, dataset);
    }

    public List<Result> results(String runId) {
        List<Result> out = new ArrayList<>();
        query(
                "SELECT ordinal, question, answer, mode, scores::text, sources::text FROM eval_results WHERE run_id = ?"
                        + " ORDER BY ordinal",
                rs -> out.add(new Result(
                        rs.getInt(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        JSON.readTree(rs.getString(5)),
                        JSON.readTree(rs.getString(6)))),
                runId);
        return out;
    }

    public void pinBaseline(String tenant, String dataset, String runId) {
        update(
                "INSERT INTO eval_baselines (tenant, dataset, run_id) VALUES (?, ?, ?) ON CONFLICT (tenant, dataset)"
                        + " DO UPDATE SET run_id = excluded.run_id",
                tenant,
                dataset,
                runId);
    }

    public Optional<String> baseline(String tenant, String dataset) {
        List<String> ids = new ArrayList<>();
        query(
                "SELECT run_id FROM eval_baselines WHERE tenant = ? AND dataset = ?",
                rs -> ids.add(rs.getString(1)),
                tenant,
                dataset);
        return ids.stream().findFirst();
    }

    private List<Run> runs(String where, Object... params) {
        List<Run> out = new ArrayList<>();
        query(
                "SELECT id, tenant, dataset, status, trigger, items, done, summary::text, comparison::text, regressed,"
                        + " reason, started_at, finished_at, metadata::text FROM eval_runs " + where,
                rs -> {
                    Timestamp finished = rs.getTimestamp(13);
                    out.add(new Run(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getInt(6),
                            rs.getInt(7),
                            rs.getString(8) == null ? null : JSON.readTree(rs.getString(8)),
                            rs.getString(9) == null ? null : JSON.readTree(rs.getString(9)),
                            rs.getBoolean(10),
                            rs.getString(11),
                            rs.getTimestamp(12).toInstant(),
                            finished == null ? null : finished.toInstant(),
                            rs.getString(14) == null ? null : JSON.readTree(rs.getString(14))));
                },
                params);
        return out;
    }

    private interface Row {
        void read(ResultSet rs) throws Exception;
    }

    private void query(String sql, Row row, Object... params) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    row.read(rs);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("the evaluation store failed: " + e.getMessage(), e);
        }
    }

    private void update(String sql, Object... params) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the evaluation store failed: " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p instanceof Integer n) {
                ps.setInt(i + 1, n);
            } else if (p instanceof Boolean b) {
                ps.setBoolean(i + 1, b);
            } else {
                ps.setString(i + 1, (String) p);
            }
        }
    }

    static ArrayNode array() {
        return JSON.createArrayNode();
    }
}
