package io.ragline.gateway.document;

import io.ragline.contracts.document.api.IntakeApi;
import io.ragline.contracts.document.api.IntakeApi.NotPublished;
import io.ragline.contracts.document.api.IntakeApi.Queued;
import io.ragline.contracts.document.api.IntakeApi.Submission;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * Ingest's intake API ({@link IntakeApi}), which owns the documents as submitters see them and the claim-check
 * store. Every call is safe to repeat (recording a stage is an upsert, a body stored twice is swept as unreferenced),
 * so a call the network lost is retried; an answer with a status is returned as it is. The address is
 * {@code quarkus.rest-client.ingest.url}.
 */
@RegisterRestClient(configKey = "ingest")
@Path(IntakeApi.PATH)
@Produces(MediaType.APPLICATION_JSON)
public interface IntakeClient {

    @POST
    @Path("/contents")
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    @Timeout(30_000)
    @Retry(maxRetries = 2, delay = 200, retryOn = ProcessingException.class)
    Response store(
            @QueryParam("tenant") String tenant,
            @QueryParam("mediaType") String mediaType,
            @QueryParam("fileName") String fileName,
            byte[] bytes);

    @POST
    @Path("/queued")
    @Consumes(MediaType.APPLICATION_JSON)
    @Timeout(5_000)
    @Retry(maxRetries = 2, delay = 200, retryOn = ProcessingException.class)
    Response queued(@QueryParam("tenant") String tenant, List<Queued> submissions);

    @POST
    @Path("/not-published")
    @Consumes(MediaType.APPLICATION_JSON)
    @Timeout(5_000)
    @Retry(maxRetries = 2, delay = 200, retryOn = ProcessingException.class)
    Response notPublished(@QueryParam("tenant") String tenant, NotPublished refused);

    @GET
    @Path("/documents/{id}")
    @Timeout(5_000)
    @Retry(maxRetries = 2, delay = 200, retryOn = ProcessingException.class)
    Response find(@QueryParam("tenant") String tenant, @PathParam("id") String id);

    @GET
    @Path("/documents")
    @Timeout(10_000)
    @Retry(maxRetries = 2, delay = 200, retryOn = ProcessingException.class)
    Response list(
            @QueryParam("tenant") String tenant,
            @QueryParam("stage") String stage,
            @QueryParam("limit") int limit,
            @QueryParam("after") String after);

    @POST
    @Path("/submissions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Timeout(10_000)
    @Retry(maxRetries = 2, delay = 200, retryOn = ProcessingException.class)
    Response submissions(@QueryParam("tenant") String tenant, List<Submission> submissions);
}
