package io.ragline.gateway.feedback;

import io.agroal.api.AgroalDataSource;
import io.ragline.gateway.access.Caller;
import io.ragline.gateway.problem.ProblemException;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** {@code POST /v1/feedback}: a user's thumbs up or down on an answer, optionally with a corrected answer. */
@Path("/v1/feedback")
public class FeedbackResource {

    /**
     * @param answerId the {@code answerId} of a chat answer
     * @param rating {@code up} or {@code down}
     * @param correctedAnswer what the answer should have said
     * @param comment free text
     */
    public record Feedback(String answerId, String rating, String correctedAnswer, String comment) {}

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Caller caller;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Rate an answer (up/down), optionally with a corrected answer; the latest rating counts")
    public Response feedback(Feedback f) {
        if (f == null || f.answerId() == null || f.answerId().isBlank()) {
            throw new ProblemException(400, "answerId is required");
        }
        if (!"up".equals(f.rating()) && !"down".equals(f.rating())) {
            throw new ProblemException(400, "rating must be 'up' or 'down'");
        }
        if (f.correctedAnswer() != null && f.correctedAnswer().length() > 20_000) {
            throw new ProblemException(400, "correctedAnswer is longer than 20000 characters");
        }
        String tenant = caller.tenant();
        String sql = "WITH a AS (SELECT 1 FROM conversation_turns WHERE tenant = ? AND event_id = ? LIMIT 1)"
                + " INSERT INTO answer_feedback (tenant, answer_id, rating, corrected_answer, comment)"
                + " SELECT ?, ?, ?, ?, ? FROM a"
                + " ON CONFLICT (tenant, answer_id) DO UPDATE SET rating = excluded.rating,"
                + " corrected_answer = excluded.corrected_answer, comment = excluded.comment, updated_at = now()"
                + " RETURNING answer_id";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenant);
            ps.setString(2, f.answerId());
            ps.setString(3, tenant);
            ps.setString(4, f.answerId());
            ps.setShort(5, (short) ("up".equals(f.rating()) ? 1 : -1));
            ps.setString(6, blankToNull(f.correctedAnswer()));
            ps.setString(7, blankToNull(f.comment()));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new ProblemException(404, "answer '" + f.answerId() + "' does not exist");
                }
            }
        } catch (SQLException e) {
            throw new ProblemException(503, "the feedback store is unavailable: " + e.getMessage(), 5);
        }
        return Response.accepted(Map.of("answerId", f.answerId(), "rating", f.rating()))
                .build();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
