package io.ragline.gateway.document;

import com.fasterxml.jackson.databind.JsonNode;
import io.ragline.contracts.document.DocumentSubmitted;
import io.ragline.contracts.document.api.IntakeApi.DocumentPage;
import io.ragline.contracts.document.api.IntakeApi.DocumentStatus;
import io.ragline.contracts.document.api.IntakeApi.NotPublished;
import io.ragline.contracts.document.api.IntakeApi.Queued;
import io.ragline.contracts.document.api.IntakeApi.StoredContent;
import io.ragline.contracts.document.api.IntakeApi.Submission;
import io.ragline.contracts.document.api.IntakeApi.SubmissionStatus;
import io.ragline.gateway.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.GenericType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * The gateway's side of ingest's intake API: what a submitter's request needs from it, with ingest's refusals
 * passed on with their reason and an unreachable ingest answered as a 503. Recording a stage is best effort (the
 * event is what counts, and ingest records the stages it reaches itself); storing a body and reading stages are not.
 */
@ApplicationScoped
public class Intake {

    private static final Logger LOG = Logger.getLogger(Intake.class);
    private static final GenericType<List<SubmissionStatus>> STATUSES = new GenericType<>() {};

    @Inject
    @RestClient
    IntakeClient ingest;

    /** Stores a body ingest will read by claim check; returns the reference to put in the event. */
    public String store(String tenant, String mediaType, String fileName, byte[] bytes) {
        return read(call(() -> ingest.store(tenant, mediaType, fileName, bytes)), StoredContent.class)
                .id();
    }

    /** Records accepted submissions as queued, before they are published (best effort). */
    public void queued(List<DocumentSubmitted> events) {
        if (events.isEmpty()) {
            return;
        }
        String tenant = events.get(0).tenant();
        List<Queued> queued = events.stream()
                .map(e -> new Queued(e.documentId(), e.title(), e.source(), e.mediaType(), e.sizeBytes()))
                .toList();
        try (Response r = ingest.queued(tenant, queued)) {
            if (r.getStatus() >= 300) {
                LOG.warnf("%s not recorded as queued: %s", describe(events), detail(r));
            }
        } catch (RuntimeException e) {
            LOG.warnf("%s not recorded as queued: %s", describe(events), e.getMessage());
        }
    }

    /** A submission the broker did not take: its stage becomes failed, with the reason (best effort). */
    public void notPublished(DocumentSubmitted event, String reason) {
        try (Response r = ingest.notPublished(event.tenant(), new NotPublished(event.documentId(), reason))) {
            if (r.getStatus() >= 300) {
                LOG.warnf("document %s not recorded as failed: %s", event.partitionKey(), detail(r));
            }
        } catch (RuntimeException e) {
            LOG.warnf("document %s not recorded as failed: %s", event.partitionKey(), e.getMessage());
        }
    }

    public Optional<DocumentStatus> find(String tenant, String documentId) {
        Response r = call(() -> ingest.find(tenant, documentId));
        if (r.getStatus() == 404) {
            r.close();
            return Optional.empty();
        }
        return Optional.of(read(r, DocumentStatus.class));
    }

    public DocumentPage list(String tenant, String stage, int limit, String after) {
        return read(call(() -> ingest.list(tenant, stage, limit, after)), DocumentPage.class);
    }

    public List<SubmissionStatus> submissions(String tenant, List<Submission> submissions) {
        Response r = call(() -> ingest.submissions(tenant, submissions));
        try (r) {
            if (r.getStatus() != 200) {
                throw refusal(r);
            }
            return r.readEntity(STATUSES);
        }
    }

    private static Response call(java.util.function.Supplier<Response> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw new ProblemException(503, "ingest is unavailable: " + e.getMessage());
        }
    }

    private static <T> T read(Response r, Class<T> type) {
        try (r) {
            if (r.getStatus() != 200) {
                throw refusal(r);
            }
            return r.readEntity(type);
        }
    }

    /** Ingest's 4xx is the caller's, with ingest's reason; anything else means ingest could not serve it. */
    private static ProblemException refusal(Response r) {
        int status = r.getStatus();
        return new ProblemException(status >= 400 && status < 500 ? status : 503, detail(r));
    }

    private static String detail(Response r) {
        try {
            JsonNode body = r.readEntity(JsonNode.class);
            return body.path("detail").asText("ingest answered " + r.getStatus());
        } catch (RuntimeException e) {
            return "ingest answered " + r.getStatus();
        }
    }

    private static String describe(List<DocumentSubmitted> events) {
        return events.size() == 1 ? "document " + events.get(0).partitionKey() : events.size() + " documents";
    }
}
