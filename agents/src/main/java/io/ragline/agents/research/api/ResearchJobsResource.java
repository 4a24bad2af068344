package io.ragline.agents.research.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ragline.agents.research.ResearchAgent;
import io.ragline.agents.research.ResearchStore;
import io.ragline.contracts.research.api.NewResearchJob;
import io.ragline.contracts.research.api.ResearchJobsApi;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;

/**
 * The research jobs the agents own, for the gateway (an internal API: the gateway checks the caller and the limits).
 * See {@link ResearchJobsApi} for the contract.
 */
@Path(ResearchJobsApi.PATH)
@Produces(MediaType.APPLICATION_JSON)
public class ResearchJobsResource {

    private static final Logger LOG = Logger.getLogger(ResearchJobsResource.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    @Inject
    ResearchJobs jobs;

    @Inject
    ResearchStore store;

    @Inject
    ResearchAgent agent;

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a research job (201) and start it; 200 when the tenant has it already, 409 when taken")
    public Response create(@PathParam("id") String id, NewResearchJob job) {
        String invalid = invalid(id, job);
        if (invalid != null) {
            return problem(400, invalid);
        }
        if (!jobs.create(id, job)) {
            if (!jobs.owner(id).map(job.tenant()::equals).orElse(false)) {
                return problem(409, "research job id '" + id + "' is taken");
            }
            return Response.ok(jobs.find(job.tenant(), id).orElseThrow()).build();
        }
        try {
            store.job(id).ifPresent(agent::request);
        } catch (RuntimeException e) {
            // the job is stored: the sweep publishes its request again once the broker is back
            LOG.warnf("research %s stored but not yet published: %s", id, e.getMessage());
        }
        return Response.status(201)
                .entity(jobs.find(job.tenant(), id).orElseThrow())
                .build();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A research job with its steps, usage, budget and report")
    public Response get(@PathParam("id") String id, @QueryParam("tenant") String tenant) {
        if (tenant == null || tenant.isBlank()) {
            return noTenant();
        }
        return jobs.find(tenant, id).map(job -> Response.ok(job).build()).orElseGet(() -> notFound(id));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Ask for a research job's cancellation; 409 when it has finished already")
    public Response cancel(@PathParam("id") String id, @QueryParam("tenant") String tenant) {
        if (tenant == null || tenant.isBlank()) {
            return noTenant();
        }
        var cancelled = jobs.cancel(tenant, id);
        if (cancelled.isEmpty()) {
            return notFound(id);
        }
        if (!cancelled.get()) {
            return problem(409, "research job '" + id + "' has finished already");
        }
        ObjectNode job = jobs.find(tenant, id).orElseThrow();
        return Response.ok(job).build();
    }

    private static String invalid(String id, NewResearchJob job) {
        if (!ID.matcher(id).matches()) {
            return "id may hold only letters, digits, '.', '_' and '-' (at most 100)";
        }
        if (job == null || job.tenant() == null || job.tenant().isBlank()) {
            return "tenant is required";
        }
        if (job.question() == null || job.question().isBlank()) {
            return "question is required";
        }
        if (job.breadth() < 1 || job.depth() < 1 || job.maxSources() < 1) {
            return "breadth, depth and maxSources must be at least 1";
        }
        if (job.maxSteps() < 1 || job.maxTokens() < 1 || job.maxTimeSeconds() < 1) {
            return "maxSteps, maxTokens and maxTimeSeconds must be at least 1";
        }
        return null;
    }

    private static Response noTenant() {
        return problem(400, "tenant is required");
    }

    private static Response notFound(String id) {
        return problem(404, "research job '" + id + "' does not exist");
    }

    private static Response problem(int status, String detail) {
        return Response.status(status)
                .type("application/problem+json")
                .entity(Map.of("status", status, "detail", detail))
                .build();
    }
}
