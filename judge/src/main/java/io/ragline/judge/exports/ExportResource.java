package io.ragline.judge.exports;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.ragline.contracts.answer.api.AnswersApi.Answer;
import io.ragline.contracts.answer.api.AnswersApi.AnswerPage;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Fine-tuning data from answers, users' feedback and the judge's scores, as JSON lines of one tenant: preference
 * pairs in the format TRL's DPO trainer reads ({@code {prompt, chosen, rejected}}) and supervised pairs as chat
 * {@code messages}. Answers and feedback are the gateway's, read page by page through its answers API; the scores are
 * the judge's own {@code judgements} (the highest {@code embedding_support} of an answer counts).
 */
@Path("/v1/exports")
@Blocking
public class ExportResource {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NDJSON = "application/x-ndjson";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    GatewayAnswers gateway;

    /** A preference pair and what orders it: corrections first, then opposed ratings, by question and answer. */
    private record Pair(int kind, String prompt, String chosen, String rejected) {}

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
        List<Answer> rated = new ArrayList<>();
        Map<String, Double> support = new HashMap<>();
        try {
            String after = null;
            do {
                AnswerPage page = gateway.page(tenant, true, after);
                rated.addAll(page.answers());
                support.putAll(support(tenant, page.answers()));
                after = page.next();
            } while (after != null);
        } catch (GatewayAnswers.Unavailable | ProcessingException | SQLException e) {
            return unavailable(e);
        }
        List<Pair> pairs = new ArrayList<>();
        for (Answer a : rated) {
            if (a.correctedAnswer() != null) {
                pairs.add(new Pair(0, a.question(), a.correctedAnswer(), a.answer()));
            }
        }
        Map<String, List<Answer>> down = new HashMap<>();
        for (Answer a : rated) {
            if (a.rating() != null && a.rating() == -1) {
                down.computeIfAbsent(normalized(a.question()), k -> new ArrayList<>())
                        .add(a);
            }
        }
        for (Answer up : rated) {
            if (up.rating() == null || up.rating() != 1 || support.getOrDefault(up.eventId(), 1.0) < minSupport) {
                continue;
            }
            for (Answer d : down.getOrDefault(normalized(up.question()), List.of())) {
                if (!up.answer().equals(d.answer())) {
                    pairs.add(new Pair(1, up.question(), up.answer(), d.answer()));
                }
            }
        }
        pairs.sort(
                Comparator.comparingInt(Pair::kind).thenComparing(Pair::prompt).thenComparing(Pair::chosen));
        StreamingOutput body = out -> {
            for (Pair p : pairs) {
                write(
                        out,
                        JSON.createObjectNode()
                                .put("prompt", p.prompt())
                                .put("chosen", p.chosen())
                                .put("rejected", p.rejected()));
            }
        };
        return Response.ok(body, NDJSON).build();
    }

    @GET
    @Path("/sft")
    @Produces(NDJSON)
    @Operation(
            summary = "Supervised pairs {messages: [user, assistant]}: answers rated up (or corrected), and answers"
                    + " not rated at all whose embedding support reaches minSupport")
    public Response sft(
            @QueryParam("tenant") @DefaultValue("default") String tenant,
            @QueryParam("minSupport") @DefaultValue("0.8") double minSupport) {
        AnswerPage first;
        try {
            first = gateway.page(tenant, false, null);
        } catch (GatewayAnswers.Unavailable | ProcessingException e) {
            return unavailable(e);
        }
        // the first page is read before answering, so an unreachable gateway is a 503, not a cut-off stream
        StreamingOutput body = out -> {
            try {
                AnswerPage page = first;
                while (true) {
                    Map<String, Double> support = support(tenant, page.answers());
                    for (Answer a : page.answers()) {
                        boolean good = a.correctedAnswer() != null
                                || (a.rating() != null && a.rating() == 1)
                                || (a.rating() == null && support.getOrDefault(a.eventId(), -1.0) >= minSupport);
                        if (good && !"no_evidence".equals(a.mode())) {
                            ObjectNode line = JSON.createObjectNode();
                            ArrayNode messages = line.putArray("messages");
                            messages.addObject().put("role", "user").put("content", a.question());
                            messages.addObject()
                                    .put("role", "assistant")
                                    .put("content", a.correctedAnswer() != null ? a.correctedAnswer() : a.answer());
                            write(out, line);
                        }
                    }
                    if (page.next() == null) {
                        break;
                    }
                    page = gateway.page(tenant, false, page.next());
                }
            } catch (SQLException | RuntimeException e) {
                throw new IOException("export failed: " + e.getMessage(), e);
            }
        };
        return Response.ok(body, NDJSON).build();
    }

    /** The highest embedding support the judge gave each of these answers (answers it never scored are absent). */
    private Map<String, Double> support(String tenant, List<Answer> answers) throws SQLException {
        if (answers.isEmpty()) {
            return Map.of();
        }
        String[] ids = answers.stream().map(Answer::eventId).toArray(String[]::new);
        Map<String, Double> support = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT j.subject_event_id, max((s ->> 'value')::float8)"
                        + " FROM judgements j CROSS JOIN LATERAL jsonb_array_elements(j.scores) s"
                        + " WHERE j.subject_type = 'answer' AND j.tenant = ? AND j.subject_event_id = ANY (?)"
                        + " AND s ->> 'metric' = 'embedding_support' GROUP BY j.subject_event_id")) {
            ps.setString(1, tenant);
            ps.setArray(2, c.createArrayOf("text", ids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    support.put(rs.getString(1), rs.getDouble(2));
                }
            }
        }
        return support;
    }

    private static String normalized(String question) {
        return question.trim().toLowerCase(Locale.ROOT);
    }

    private static Response unavailable(Exception e) {
        String detail = e instanceof SQLException
                ? "the database is unavailable: " + e.getMessage()
                : e instanceof GatewayAnswers.Unavailable
                        ? e.getMessage()
                        : "the gateway is unreachable: " + e.getMessage();
        return Response.status(503)
                .type("application/problem+json")
                .entity(Map.of("status", 503, "detail", detail))
                .build();
    }

    private static void write(OutputStream out, ObjectNode line) throws IOException {
        out.write((line.toString() + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
