package io.ragline.judge.exports;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Fine-tuning data from answers, users' feedback and the judge's scores, as JSON lines of one tenant:
 * preference pairs in the format TRL's DPO trainer reads ({@code {prompt, chosen, rejected}}) and supervised pairs as
 * chat {@code messages}.
 */
@Path("/v1/exports")
public class ExportResource {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NDJSON = "application/x-ndjson";

    @Inject
    AgroalDataSource dataSource;

    @GET
    @Path("/preferences")
    @Produces(NDJSON)
    @Operation(
            summary = "Preference pairs {prompt, chosen, rejected}: a corrected answer over the answer it corrects,"
                    + " and an answer rated up over an answer to the same question rated down (chosen answers scored by the"
                    + " judge must reach minSupport)")
    public Response preferences(
            @QueryParam("tenant") @DefaultValue("default") String tenant,
            @QueryParam("minSupport") @DefaultValue("0") double minSupport) {
        String sql = "WITH rated AS (SELECT t.tenant, t.event_id, t.question, t.answer, f.rating, f.corrected_answer,"
                + " (j.scores -> 0 ->> 'value')::float8 AS support"
                + " FROM conversation_turns t JOIN answer_feedback f ON f.tenant = t.tenant AND f.answer_id = t.event_id"
                + " LEFT JOIN LATERAL (SELECT scores FROM judgements WHERE subject_type = 'answer'"
                + " AND subject_event_id = t.event_id) j0 ON true"
                + " LEFT JOIN LATERAL (SELECT jsonb_agg(s) AS scores FROM jsonb_array_elements(j0.scores) s"
                + " WHERE s ->> 'metric' = 'embedding_support') j ON true"
                + " WHERE t.tenant = ?)"
                + " SELECT question, chosen, rejected FROM (SELECT 0 AS kind, question, corrected_answer AS chosen,"
                + " answer AS rejected FROM rated WHERE corrected_answer IS NOT NULL"
                + " UNION ALL"
                + " SELECT 1, up.question, up.answer, down.answer FROM rated up JOIN rated down"
                + " ON lower(trim(up.question)) = lower(trim(down.question)) AND up.rating = 1 AND down.rating = -1"
                + " AND up.answer <> down.answer WHERE coalesce(up.support, 1) >= ?) pairs ORDER BY kind, question, chosen";
        return stream(
                sql,
                tenant,
                minSupport,
                (rs, line) -> line.put("prompt", rs.getString(1))
                        .put("chosen", rs.getString(2))
                        .put("rejected", rs.getString(3)));
    }

    @GET
    @Path("/sft")
    @Produces(NDJSON)
    @Operation(
            summary = "Supervised pairs {messages: [user, assistant]}: answers rated up (or corrected), and answers"
                    + " not rated down whose embedding support reaches minSupport")
    public Response sft(
            @QueryParam("tenant") @DefaultValue("default") String tenant,
            @QueryParam("minSupport") @DefaultValue("0.8") double minSupport) {
        String sql = "SELECT t.question, coalesce(f.corrected_answer, t.answer)"
                + " FROM conversation_turns t LEFT JOIN answer_feedback f"
                + " ON f.tenant = t.tenant AND f.answer_id = t.event_id"
                + " LEFT JOIN judgements j ON j.subject_type = 'answer' AND j.subject_event_id = t.event_id"
                + " WHERE t.tenant = ? AND t.mode <> 'no_evidence' AND (f.corrected_answer IS NOT NULL OR f.rating = 1"
                + " OR (coalesce(f.rating, 0) = 0 AND EXISTS (SELECT 1 FROM jsonb_array_elements(j.scores) s"
                + " WHERE s ->> 'metric' = 'embedding_support' AND (s ->> 'value')::float8 >= ?)))"
                + " ORDER BY t.created_at";
        return stream(sql, tenant, minSupport, (rs, line) -> {
            ArrayNode messages = line.putArray("messages");
            messages.addObject().put("role", "user").put("content", rs.getString(1));
            messages.addObject().put("role", "assistant").put("content", rs.getString(2));
            return line;
        });
    }

    private interface Line {
        ObjectNode write(ResultSet rs, ObjectNode line) throws Exception;
    }

    private Response stream(String sql, String tenant, double minSupport, Line line) {
        StreamingOutput body = out -> {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, tenant);
                ps.setDouble(2, minSupport);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        write(out, line.write(rs, JSON.createObjectNode()).toString());
                    }
                }
            } catch (java.io.IOException e) {
                throw e;
            } catch (Exception e) {
                throw new java.io.IOException("export failed: " + e.getMessage(), e);
            }
        };
        return Response.ok(body, NDJSON).build();
    }

    private static void write(OutputStream out, String json) throws java.io.IOException {
        out.write((json + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
