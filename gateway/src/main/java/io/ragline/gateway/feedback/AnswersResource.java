package io.ragline.gateway.feedback;

import io.agroal.api.AgroalDataSource;
import io.ragline.contracts.answer.api.AnswersApi;
import io.ragline.contracts.answer.api.AnswersApi.Answer;
import io.ragline.contracts.answer.api.AnswersApi.AnswerPage;
import io.ragline.gateway.access.AdminToken;
import io.ragline.gateway.problem.ProblemException;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * A tenant's answered turns with users' feedback, page by page ({@link AnswersApi}): what the judge's fine-tuning
 * exports are made from. Admin token only: answers of every user of the tenant are in it.
 */
@Path(AnswersApi.PATH)
@Produces(MediaType.APPLICATION_JSON)
public class AnswersResource {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    AdminToken adminToken;

    @GET
    @Operation(summary = "A tenant's answered turns with their latest feedback, oldest first (admin token)")
    public AnswerPage answers(
            @HeaderParam("Authorization") String authorization,
            @QueryParam("tenant") String tenant,
            @QueryParam("rated") @DefaultValue("false") boolean rated,
            @QueryParam("limit") @DefaultValue("500") int limit,
            @QueryParam("after") String after) {
        adminToken.require(authorization);
        if (tenant == null || tenant.isBlank()) {
            throw new ProblemException(400, "tenant is required");
        }
        if (limit < 1 || limit > AnswersApi.MAX_PAGE) {
            throw new ProblemException(400, "limit must be between 1 and " + AnswersApi.MAX_PAGE + ", got " + limit);
        }
        Instant afterTime = null;
        String afterId = null;
        if (after != null && !after.isBlank()) {
            int bar = after.indexOf('|');
            try {
                afterTime = Instant.parse(after.substring(0, Math.max(bar, 0)));
                afterId = after.substring(bar + 1);
            } catch (RuntimeException e) {
                throw new ProblemException(400, "after must be the 'next' value of the previous page");
            }
        }
        StringBuilder sql = new StringBuilder(
                "SELECT t.event_id, t.question, t.answer, t.mode, t.created_at, f.rating, f.corrected_answer"
                        + " FROM conversation_turns t LEFT JOIN answer_feedback f"
                        + " ON f.tenant = t.tenant AND f.answer_id = t.event_id WHERE t.tenant = ?");
        if (rated) {
            sql.append(" AND f.answer_id IS NOT NULL");
        }
        if (afterTime != null) {
            sql.append(" AND (t.created_at, t.event_id) > (?, ?)");
        }
        sql.append(" ORDER BY t.created_at, t.event_id LIMIT ?");
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            ps.setString(i++, tenant);
            if (afterTime != null) {
                ps.setTimestamp(i++, Timestamp.from(afterTime));
                ps.setString(i++, afterId);
            }
            ps.setInt(i, limit + 1);
            List<Answer> page = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int value = rs.getInt(6);
                    Integer rating = rs.wasNull() ? null : value;
                    page.add(new Answer(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getTimestamp(5).toInstant(),
                            rating,
                            rs.getString(7)));
                }
            }
            String next = null;
            if (page.size() > limit) {
                page = page.subList(0, limit);
                Answer last = page.get(limit - 1);
                next = last.createdAt() + "|" + last.eventId();
            }
            return new AnswerPage(List.copyOf(page), next);
        } catch (SQLException e) {
            throw new ProblemException(503, "the database is unavailable: " + e.getMessage());
        }
    }
}
