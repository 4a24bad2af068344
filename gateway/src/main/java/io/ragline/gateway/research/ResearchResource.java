package io.ragline.gateway.research;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ragline.contracts.research.api.NewResearchJob;
import io.ragline.gateway.access.Caller;
import io.ragline.gateway.chat.SseWriter;
import io.ragline.gateway.config.GatewayConfig;
import io.ragline.gateway.problem.ProblemException;
import io.vertx.core.http.HttpServerResponse;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Research jobs: asked for here, created and run by the agents (which own them and publish {@code research.requested}),
 * followed here through the agents' API. The gateway checks the caller and the limits; the job is stored before its
 * request is published, so it can be read at once and a publish lost to a broker outage is made up by the agents'
 * sweep.
 */
@Path("/v1/research")
public class ResearchResource {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final List<String> FINISHED = List.of("completed", "budget_exhausted", "cancelled", "failed");
    private static final Duration POLL = Duration.ofMillis(250);

    @Inject
    ResearchJobs jobs;

    @Inject
    GatewayConfig config;

    @Inject
    Caller caller;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Start a research job",
            description = "A planner, parallel researchers, a writer and a reviewer produce a cited report;"
                    + " 202 with the job id. Follow it with GET /v1/research/{id} or its /events stream.")
    public Response start(ResearchRequest request) {
        if (request == null || request.question() == null || request.question().isBlank()) {
            throw new ProblemException(400, "question is required");
        }
        if (request.question().length() > 4000) {
            throw new ProblemException(400, "question is longer than 4000 characters");
        }
        GatewayConfig.Research limits = config.research();
        int breadth = bounded("breadth", request.breadth(), limits.defaultBreadth(), limits.maxBreadth());
        int depth = bounded("depth", request.depth(), limits.defaultDepth(), limits.maxDepth());
        int maxSources = bounded("maxSources", request.maxSources(), limits.defaultMaxSources(), limits.maxSources());
        if (request.filters() != null
                && !request.filters().isNull()
                && !request.filters().isObject()) {
            throw new ProblemException(400, "filters must be an object, as POST /v1/search takes them");
        }
        String tenant = caller.tenant();
        String id = request.id() == null ? "research-" + UUID.randomUUID() : request.id();
        if (!ID.matcher(id).matches()) {
            throw new ProblemException(400, "id may hold only letters, digits, '.', '_' and '-' (at most 100)");
        }
        Map<String, Object> filters =
                request.filters() == null || request.filters().isNull()
                        ? Map.of()
                        : JSON.convertValue(request.filters(), HashMap.class);
        ResearchJobs.Creation creation = jobs.create(
                id,
                new NewResearchJob(
                        tenant,
                        request.question().strip(),
                        breadth,
                        depth,
                        maxSources,
                        filters,
                        limits.maxSteps(),
                        limits.maxTokens(),
                        limits.maxTime().toSeconds()));
        return switch (creation.outcome()) {
            case TAKEN -> throw new ProblemException(409, "research job id '" + id + "' is taken");
            case EXISTING -> Response.ok(summary(creation.job())).build();
            case CREATED ->
                Response.accepted(summary(creation.job()))
                        .header("Location", "/v1/research/" + id)
                        .build();
        };
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "A research job: status, progress, steps, usage and, when done, the report (Markdown and JSON)")
    public ObjectNode get(@PathParam("id") String id) {
        return jobs.find(caller.tenant(), id).orElseThrow(() -> notFound(id));
    }

    @GET
    @Path("/{id}/report")
    @Produces("text/markdown")
    @Operation(summary = "The finished report as Markdown")
    public Response report(@PathParam("id") String id) {
        ObjectNode job = get(id);
        if (job.path("reportMarkdown").isNull() || job.path("reportMarkdown").isMissingNode()) {
            throw new ProblemException(
                    409,
                    "research job '" + id + "' has no report yet ("
                            + job.path("status").asText() + ")");
        }
        return Response.ok(job.path("reportMarkdown").asText(), "text/markdown; charset=utf-8")
                .build();
    }

    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(
            summary = "Follow a research job as Server-Sent Events",
            description = "progress (stage and step counts) whenever it changes, step as each step finishes, then done"
                    + " with the job and its report.")
    public Response events(@PathParam("id") String id, @Context HttpServerResponse response) {
        String tenant = caller.tenant();
        ObjectNode first = jobs.find(tenant, id).orElseThrow(() -> notFound(id));
        Instant until =
                Instant.parse(first.path("budget").path("deadline").asText()).plus(Duration.ofMinutes(2));
        StreamingOutput body = out -> {
            SseWriter sse = new SseWriter(out, response);
            Map<String, String> seen = new HashMap<>();
            String lastProgress = null;
            ObjectNode job = first;
            int failures = 0;
            while (!sse.closed()) {
                for (JsonNode step : job.path("steps")) {
                    String status = step.path("status").asText();
                    if (!status.equals("pending")
                            && !status.equals(seen.get(step.path("stepId").asText()))) {
                        seen.put(step.path("stepId").asText(), status);
                        sse.event("step", step);
                    }
                }
                String progress = job.path("progress").toString();
                if (!progress.equals(lastProgress)) {
                    lastProgress = progress;
                    sse.event("progress", job.path("progress"));
                }
                if (FINISHED.contains(job.path("status").asText())) {
                    sse.event("done", job);
                    return;
                }
                if (Instant.now().isAfter(until)) {
                    sse.event("error", Map.of("status", 504, "detail", "the job outlived its time budget"));
                    return;
                }
                try {
                    Thread.sleep(POLL.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                try {
                    job = jobs.find(tenant, id).orElse(null);
                    failures = 0;
                } catch (ResearchJobs.Unavailable e) {
                    if (++failures >= 3) {
                        sse.event("error", Map.of("status", 503, "detail", "the research service is unavailable"));
                        return;
                    }
                    continue; // a passing database error: the next poll tells
                }
                if (job == null) {
                    sse.event("error", Map.of("status", 404, "detail", "the job was deleted"));
                    return;
                }
            }
        };
        return Response.ok(body, MediaType.SERVER_SENT_EVENTS)
                .header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no")
                .build();
    }

    @DELETE
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Cancel a research job; it stops within seconds (before its next step or model call)")
    public Response cancel(@PathParam("id") String id) {
        boolean cancelled = jobs.cancel(caller.tenant(), id).orElseThrow(() -> notFound(id));
        if (!cancelled) {
            throw new ProblemException(409, "research job '" + id + "' has finished already");
        }
        return Response.accepted(summary(get(id))).build();
    }

    private static ObjectNode summary(ObjectNode job) {
        ObjectNode s = JSON.createObjectNode()
                .put("id", job.path("id").asText())
                .put("status", job.path("status").asText())
                .put("question", job.path("question").asText());
        s.set("progress", job.path("progress"));
        s.putObject("links")
                .put("self", "/v1/research/" + job.path("id").asText())
                .put("events", "/v1/research/" + job.path("id").asText() + "/events")
                .put("report", "/v1/research/" + job.path("id").asText() + "/report");
        return s;
    }

    private static int bounded(String name, Integer value, int fallback, int max) {
        int v = value == null ? fallback : value;
        if (v < 1 || v > max) {
            throw new ProblemException(400, name + " must be between 1 and " + max + ", was " + v);
        }
        return v;
    }

    private static ProblemException notFound(String id) {
        return new ProblemException(404, "research job '" + id + "' does not exist");
    }
}
