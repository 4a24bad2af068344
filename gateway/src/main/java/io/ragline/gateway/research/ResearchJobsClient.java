package io.ragline.gateway.research;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ragline.contracts.research.api.NewResearchJob;
import io.ragline.contracts.research.api.ResearchJobsApi;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * The agents' research-job API ({@link ResearchJobsApi}), which owns the jobs. Every call is idempotent (the job id is
 * the caller's), so a call the network lost is retried; an answer with a status (404, 409) is returned, not retried.
 * The agents' address is {@code quarkus.rest-client.agents.url}.
 */
@RegisterRestClient(configKey = "agents")
@Path(ResearchJobsApi.PATH)
@Produces(MediaType.APPLICATION_JSON)
public interface ResearchJobsClient {

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Timeout(10_000)
    @Retry(maxRetries = 2, delay = 200, retryOn = ProcessingException.class)
    RestResponse<ObjectNode> create(@PathParam("id") String id, NewResearchJob job);

    @GET
    @Path("/{id}")
    @Timeout(5_000)
    @Retry(maxRetries = 2, delay = 200, retryOn = ProcessingException.class)
    RestResponse<ObjectNode> find(@PathParam("id") String id, @QueryParam("tenant") String tenant);

    @DELETE
    @Path("/{id}")
    @Timeout(5_000)
    @Retry(maxRetries = 2, delay = 200, retryOn = ProcessingException.class)
    RestResponse<ObjectNode> cancel(@PathParam("id") String id, @QueryParam("tenant") String tenant);
}
