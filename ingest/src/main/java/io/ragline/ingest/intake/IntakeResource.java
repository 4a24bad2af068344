package io.ragline.ingest.intake;

import io.ragline.contracts.document.api.IntakeApi;
import io.ragline.contracts.document.api.IntakeApi.DocumentPage;
import io.ragline.contracts.document.api.IntakeApi.NotPublished;
import io.ragline.contracts.document.api.IntakeApi.Queued;
import io.ragline.contracts.document.api.IntakeApi.StoredContent;
import io.ragline.contracts.document.api.IntakeApi.Submission;
import io.ragline.contracts.document.api.IntakeApi.SubmissionStatus;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jdbi.v3.core.JdbiException;

/**
 * The intake API ({@link IntakeApi}): the gateway records submissions and stores their bodies here, and reads their
 * stages back, so that {@code documents} and {@code document_contents} have one writer. Internal, like the rest of
 * this port; the tenant is the one the gateway authenticated.
 */
@Path(IntakeApi.PATH)
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class IntakeResource {

    @Inject
    Submissions submissions;

    @Inject
    Contents contents;

    @POST
    @Path("/contents")
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    public StoredContent store(
            @QueryParam("tenant") String tenant,
            @QueryParam("mediaType") String mediaType,
            @QueryParam("fileName") String fileName,
            byte[] bytes) {
        if (mediaType == null || mediaType.isBlank()) {
            throw problem(400, "mediaType is required");
        }
        return new StoredContent(contents.store(tenant(tenant), mediaType, fileName, bytes));
    }

    @POST
    @Path("/queued")
    @Consumes(MediaType.APPLICATION_JSON)
    public void queued(@QueryParam("tenant") String tenant, List<Queued> queued) {
        if (queued == null || queued.size() > IntakeApi.MAX_PAGE) {
            throw problem(400, "a list of 1 to " + IntakeApi.MAX_PAGE + " submissions is required");
        }
        for (Queued q : queued) {
            if (q == null || q.documentId() == null || q.mediaType() == null) {
                throw problem(400, "every submission needs documentId and mediaType");
            }
        }
        submissions.queued(tenant(tenant), queued);
    }

    @POST
    @Path("/not-published")
    @Consumes(MediaType.APPLICATION_JSON)
    public void notPublished(@QueryParam("tenant") String tenant, NotPublished refused) {
        if (refused == null || refused.documentId() == null) {
            throw problem(400, "documentId is required");
        }
        submissions.notPublished(tenant(tenant), refused);
    }

    @GET
    @Path("/documents/{id: .+}")
    public IntakeApi.DocumentStatus find(@QueryParam("tenant") String tenant, @PathParam("id") String id) {
        return submissions
                .find(tenant(tenant), id)
                .orElseThrow(() -> problem(404, "no document '" + id + "' (it may still be queued)"));
    }

    @GET
    @Path("/documents")
    public DocumentPage list(
            @QueryParam("tenant") String tenant,
            @QueryParam("stage") String stage,
            @QueryParam("limit") @DefaultValue("50") int limit,
            @QueryParam("after") String after) {
        if (stage != null && !IntakeApi.STAGES.contains(stage)) {
            throw problem(400, "unknown status '" + stage + "'; one of " + String.join(", ", IntakeApi.STAGES));
        }
        if (limit < 1 || limit > IntakeApi.MAX_PAGE) {
            throw problem(400, "limit must be between 1 and " + IntakeApi.MAX_PAGE + ", got " + limit);
        }
        Optional<Submissions.Cursor> cursor;
        try {
            cursor = Submissions.Cursor.parse(after);
        } catch (IllegalArgumentException e) {
            throw problem(400, e.getMessage());
        }
        return submissions.list(tenant(tenant), stage, limit, cursor);
    }

    @POST
    @Path("/submissions")
    @Consumes(MediaType.APPLICATION_JSON)
    public List<SubmissionStatus> submissions(@QueryParam("tenant") String tenant, List<Submission> asked) {
        if (asked == null || asked.isEmpty()) {
            throw problem(400, "submissions is required: [{\"documentId\", \"eventId\"}, ...]");
        }
        if (asked.size() > IntakeApi.MAX_PAGE) {
            throw problem(400, "at most " + IntakeApi.MAX_PAGE + " submissions per request, got " + asked.size());
        }
        for (Submission s : asked) {
            if (s == null || s.documentId() == null || s.eventId() == null) {
                throw problem(400, "every submission needs documentId and eventId");
            }
        }
        return submissions.submissions(tenant(tenant), asked);
    }

    private static String tenant(String tenant) {
        if (tenant == null || tenant.isBlank()) {
            throw problem(400, "tenant is required");
        }
        return tenant;
    }

    /** A database failure is the caller's 503 (it may retry), not a 500. */
    @ServerExceptionMapper
    public Response unavailable(JdbiException e) {
        return response(503, "the database is unavailable: " + e.getMessage());
    }

    private static WebApplicationException problem(int status, String detail) {
        return new WebApplicationException(response(status, detail));
    }

    private static Response response(int status, String detail) {
        return Response.status(status)
                .type("application/problem+json")
                .entity(Map.of("status", status, "detail", detail))
                .build();
    }
}
