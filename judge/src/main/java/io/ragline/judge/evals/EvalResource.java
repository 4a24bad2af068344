package io.ragline.judge.evals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Golden datasets and quality runs: upload a dataset, start a run now, follow it, read its report, pin a baseline.
 * Every refusal is {@code application/problem+json} with the reason.
 */
@Path("/v1/evals")
public class EvalResource {

    /** {@code POST /v1/evals/runs}. */
    public record StartRun(String dataset, String tenant, Integer limit) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    EvalStore store;

    @Inject
    EvalRunner runner;

    @POST
    @Path("/datasets/{name}")
    @Consumes({MediaType.TEXT_PLAIN, "application/x-ndjson", "application/jsonl", MediaType.APPLICATION_JSON})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Upload a golden dataset as JSON lines: {question, reference_answer?, relevant_doc_ids?};"
                    + " SQuAD-style lines ({question, answer, passage_id}) are accepted as they are")
    public Response upload(
            @PathParam("name") String name, @QueryParam("tenant") @DefaultValue("default") String tenant, String body) {
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
            return problem(400, "the dataset name must be 1-64 letters, digits, '.', '_' or '-'");
        }
        List<EvalStore.Item> items = new ArrayList<>();
        String[] lines = body == null ? new String[0] : body.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = JSON.readTree(lines[i]);
            } catch (IOException e) {
                return problem(
                        400,
                        "line " + (i + 1) + " is not JSON: "
                                + e.getMessage().lines().findFirst().orElse(""));
            }
            String question = n.path("question").asText("").strip();
            if (question.isEmpty()) {
                return problem(400, "line " + (i + 1) + " has no question");
            }
            String reference = n.hasNonNull("reference_answer")
                    ? n.path("reference_answer").asText()
                    : n.hasNonNull("answer") ? n.path("answer").asText() : null;
            List<String> relevant = new ArrayList<>();
            n.path("relevant_doc_ids").forEach(d -> relevant.add(d.asText()));
            if (n.hasNonNull("passage_id")) {
                relevant.add(n.path("passage_id").asText());
            }
            if (reference == null && relevant.isEmpty()) {
                return problem(400, "line " + (i + 1) + " has neither a reference answer nor relevant document ids");
            }
            items.add(new EvalStore.Item(items.size() + 1, question, reference, relevant));
        }
        if (items.isEmpty()) {
            return problem(400, "the dataset is empty: send one JSON object per line");
        }
        store.replaceDataset(tenant, name, items);
        return Response.status(201)
                .entity(Map.of("dataset", name, "tenant", tenant, "questions", items.size()))
                .build();
    }

    @POST
    @Path("/runs")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a run of a dataset now; 202 with its id (or the id of the run already going)")
    public Response start(StartRun request) {
        if (request == null || request.dataset() == null || request.dataset().isBlank()) {
            return problem(400, "dataset is required");
        }
        String tenant = request.tenant() == null ? "default" : request.tenant();
        int limit = request.limit() == null ? Integer.MAX_VALUE : request.limit();
        if (limit < 1) {
            return problem(400, "limit must be at least 1");
        }
        try {
            String id = runner.start(tenant, request.dataset(), "api", limit);
            return Response.accepted(Map.of(
                            "id", id, "status", store.run(id).orElseThrow().status()))
                    .header("Location", "/v1/evals/runs/" + id)
                    .build();
        } catch (IllegalArgumentException e) {
            return problem(404, e.getMessage());
        }
    }

    @GET
    @Path("/runs/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A run: status, progress, per-metric means with 95 % intervals, comparison, regression")
    public Response run(@PathParam("id") String id) {
        return store.run(id)
                .map(r -> Response.ok(r).build())
                .orElseGet(() -> problem(404, "run '" + id + "' does not exist"));
    }

    @GET
    @Path("/runs/{id}/results")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Every question of a run with its answer, sources and scores")
    public Response results(@PathParam("id") String id) {
        if (store.run(id).isEmpty()) {
            return problem(404, "run '" + id + "' does not exist");
        }
        return Response.ok(store.results(id)).build();
    }

    @GET
    @Path("/runs/{id}/report")
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "The run's report: summary with intervals, trends across runs, the worst questions")
    public Response report(@PathParam("id") String id) {
        var run = store.run(id);
        if (run.isEmpty()) {
            return problem(404, "run '" + id + "' does not exist");
        }
        EvalStore.Run r = run.get();
        return Response.ok(Report.html(r, store.history(r.tenant(), r.dataset()), store.results(id)))
                .type("text/html; charset=utf-8")
                .build();
    }

    @PUT
    @Path("/baselines/{dataset}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Pin a completed run as the dataset's baseline: {runId}")
    public Response pin(@PathParam("dataset") String dataset, Map<String, String> body) {
        String runId = body == null ? null : body.get("runId");
        var run = runId == null ? java.util.Optional.<EvalStore.Run>empty() : store.run(runId);
        if (run.isEmpty()
                || !run.get().dataset().equals(dataset)
                || !run.get().status().equals("completed")) {
            return problem(400, "runId must name a completed run of dataset '" + dataset + "'");
        }
        store.pinBaseline(run.get().tenant(), dataset, runId);
        return Response.noContent().build();
    }

    private static Response problem(int status, String detail) {
        Response.Status s = Response.Status.fromStatusCode(status);
        return Response.status(status)
                .type("application/problem+json")
                .entity(Map.of("status", status, "title", s == null ? "Error" : s.getReasonPhrase(), "detail", detail))
                .build();
    }
}
