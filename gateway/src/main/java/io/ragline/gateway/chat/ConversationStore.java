package io.ragline.gateway.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.ragline.contracts.outbox.EventOutbox;
import io.ragline.gateway.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Conversations in PostgreSQL ({@code conversations}, {@code conversation_turns}), so any gateway instance continues
 * any conversation. Turn numbers are allocated by the insert itself; two answers racing on one conversation get
 * consecutive numbers (the loser of a key collision retries).
 */
@ApplicationScoped
public class ConversationStore {

    /** One stored exchange. */
    public record StoredTurn(
            int turn,
            String question,
            String standaloneQuery,
            String answer,
            String mode,
            String model,
            List<Citation> citations,
            Instant createdAt) {}

    /** A conversation with its turns, oldest first. */
    public record Conversation(String id, String title, Instant createdAt, List<StoredTurn> turns) {}

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    @Inject
    AgroalDataSource dataSource;

    /**
     * A new conversation's id. Nothing is written yet: the conversation row is created with its first turn, in the
     * same statement, so a new question costs no database round trip before its answer starts.
     */
    public String newId() {
        return UUID.randomUUID().toString();
    }

    /** The most recent turns whose text fits {@code tokenBudget}, oldest first; 404 if there is no such conversation. */
    public List<Turn> history(String tenant, String conversationId, int tokenBudget) {
        return sql(
                "SELECT EXISTS (SELECT 1 FROM conversations WHERE tenant = ? AND id = ?),"
                        + " (SELECT coalesce(json_agg(json_build_array(question, answer) ORDER BY turn DESC), '[]')"
                        + " FROM (SELECT turn, question, answer FROM conversation_turns"
                        + " WHERE tenant = ? AND conversation_id = ? ORDER BY turn DESC LIMIT 50) t)",
                ps -> {
                    ps.setString(1, tenant);
                    ps.setString(2, conversationId);
                    ps.setString(3, tenant);
                    ps.setString(4, conversationId);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (!rs.getBoolean(1)) {
                            throw new ProblemException(404, "conversation '" + conversationId + "' does not exist");
                        }
                        List<Turn> turns = new ArrayList<>();
                        int used = 0;
                        for (var pair : JSON.readTree(rs.getString(2))) {
                            Turn t = new Turn(pair.get(0).asText(), pair.get(1).asText());
                            used += GroundedPrompt.tokens(t.question()) + GroundedPrompt.tokens(t.answer());
                            if (used > tokenBudget) {
                                break;
                            }
                            turns.add(t);
                        }
                        Collections.reverse(turns);
                        return turns;
                    }
                });
    }

    /**
     * Appends a turn, creating the conversation with its first one, and puts the turn's answer-produced event in the
     * outbox in the same statement (so a stored answer always has its event); returns the turn's number.
     */
    public int append(
            String tenant, String conversationId, ChatAnswer answer, String question, EventOutbox.Entry event) {
        for (int attempt = 0; ; attempt++) {
            try {
                return sql(
                        "WITH c AS (INSERT INTO conversations (tenant, id, title) VALUES (?, ?, ?)"
                                + " ON CONFLICT (tenant, id) DO NOTHING),"
                                + " t AS (INSERT INTO conversation_turns (tenant, conversation_id, turn, question,"
                                + " standalone_query, answer, mode, model, citations, prompt_tokens,"
                                + " completion_tokens, event_id)"
                                + " SELECT ?, ?, coalesce(max(turn), 0) + 1, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?"
                                + " FROM conversation_turns WHERE tenant = ? AND conversation_id = ? RETURNING"
                                + " tenant, conversation_id, turn),"
                                + " u AS (UPDATE conversations c SET updated_at = now() FROM t"
                                + " WHERE c.tenant = t.tenant AND c.id = t.conversation_id),"
                                + " o AS (INSERT INTO " + AnswerEvents.OUTBOX + " (" + EventOutbox.Entry.COLUMNS + ")"
                                + " SELECT ?, ?, ?, ? FROM t)"
                                + " SELECT turn FROM t",
                        ps -> {
                            ps.setString(1, tenant);
                            ps.setString(2, conversationId);
                            ps.setString(3, question.length() <= 120 ? question : question.substring(0, 119) + "…");
                            ps.setString(4, tenant);
                            ps.setString(5, conversationId);
                            ps.setString(6, question);
                            ps.setString(7, answer.query().equals(question) ? null : answer.query());
                            ps.setString(8, answer.answer());
                            ps.setString(9, answer.mode());
                            ps.setString(10, answer.model());
                            ps.setString(11, JSON.writeValueAsString(answer.citations()));
                            ps.setInt(12, answer.usage().promptTokens());
                            ps.setInt(13, answer.usage().completionTokens());
                            ps.setString(14, event.eventId());
                            ps.setString(15, tenant);
                            ps.setString(16, conversationId);
                            ps.setString(17, event.eventId());
                            ps.setString(18, event.topic());
                            ps.setString(19, event.partitionKey());
                            ps.setString(20, event.payload());
                            try (ResultSet rs = ps.executeQuery()) {
                                rs.next();
                                return rs.getInt(1);
                            }
                        });
            } catch (ProblemException e) {
                if (attempt < 3 && e.getCause() instanceof SQLException s && "23505".equals(s.getSQLState())) {
                    continue;
                }
                throw e;
            }
        }
    }

    public Optional<Conversation> find(String tenant, String conversationId) {
        return sql(
                "SELECT c.title, c.created_at, t.turn, t.question, t.standalone_query, t.answer, t.mode, t.model,"
                        + " t.citations::text, t.created_at FROM conversations c LEFT JOIN conversation_turns t"
                        + " ON t.tenant = c.tenant AND t.conversation_id = c.id"
                        + " WHERE c.tenant = ? AND c.id = ? ORDER BY t.turn",
                ps -> {
                    ps.setString(1, tenant);
                    ps.setString(2, conversationId);
                    try (ResultSet rs = ps.executeQuery()) {
                        String title = null;
                        Instant created = null;
                        List<StoredTurn> turns = new ArrayList<>();
                        boolean found = false;
                        while (rs.next()) {
                            found = true;
                            title = rs.getString(1);
                            created = rs.getTimestamp(2).toInstant();
                            if (rs.getObject(3) != null) {
                                turns.add(new StoredTurn(
                                        rs.getInt(3),
                                        rs.getString(4),
                                        rs.getString(5),
                                        rs.getString(6),
                                        rs.getString(7),
                                        rs.getString(8),
                                        List.of(JSON.readValue(rs.getString(9), Citation[].class)),
                                        rs.getTimestamp(10).toInstant()));
                            }
                        }
                        return found
                                ? Optional.of(new Conversation(conversationId, title, created, turns))
                                : Optional.empty();
                    }
                });
    }

    public boolean delete(String tenant, String conversationId) {
        return sql("DELETE FROM conversations WHERE tenant = ? AND id = ?", ps -> {
            ps.setString(1, tenant);
            ps.setString(2, conversationId);
            return ps.executeUpdate() > 0;
        });
    }

    private interface Statement<T> {
        T run(PreparedStatement ps) throws Exception;
    }

    private <T> T sql(String sql, Statement<T> body) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            return body.run(ps);
        } catch (ProblemException e) {
            throw e;
        } catch (SQLException e) {
            throw (ProblemException)
                    new ProblemException(503, "the conversation store is unavailable: " + e.getMessage(), 5)
                            .initCause(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
