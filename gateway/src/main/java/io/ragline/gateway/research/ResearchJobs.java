package io.ragline.gateway.research;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ragline.contracts.research.api.NewResearchJob;
import io.ragline.gateway.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ProcessingException;
import java.util.Optional;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Research jobs through the agents, which own them: the gateway creates, reads and cancels a job within the caller's
 * tenant and never touches the agents' tables. The agents unreachable is a 503 for the caller.
 */
@ApplicationScoped
public class ResearchJobs {

    /** What creating a job with a given id came to. */
    public enum Created {
        CREATED,
        EXISTING,
        TAKEN
    }

    /** The outcome, with the job unless its id was another tenant's. */
    public record Creation(Created outcome, ObjectNode job) {}

    @Inject
    @RestClient
    ResearchJobsClient agents;

    public Creation create(String id, NewResearchJob job) {
        RestResponse<ObjectNode> response = call(() -> agents.create(id, job));
        return switch (response.getStatus()) {
            case 201 -> new Creation(Created.CREATED, response.getEntity());
            case 200 -> new Creation(Created.EXISTING, response.getEntity());
            case 409 -> new Creation(Created.TAKEN, null);
            case 400 -> throw new ProblemException(400, detail(response));
            default -> throw unexpected(response);
        };
    }

    /** The job within the tenant; empty when it has no such job. */
    public Optional<ObjectNode> find(String tenant, String id) {
        RestResponse<ObjectNode> response = call(() -> agents.find(id, tenant));
        return switch (response.getStatus()) {
            case 200 -> Optional.of(response.getEntity());
            case 404 -> Optional.empty();
            default -> throw unexpected(response);
        };
    }

    /**
     * Asks for a job's cancellation: a queued job ends at once, a running one when its agents next check. Empty when
     * the tenant has no such job; false when it had finished already.
     */
    public Optional<Boolean> cancel(String tenant, String id) {
        RestResponse<ObjectNode> response = call(() -> agents.cancel(id, tenant));
        return switch (response.getStatus()) {
            case 200 -> Optional.of(true);
            case 409 -> Optional.of(false);
            case 404 -> Optional.empty();
            default -> throw unexpected(response);
        };
    }

    private static RestResponse<ObjectNode> call(java.util.function.Supplier<RestResponse<ObjectNode>> call) {
        try {
            return call.get();
        } catch (ProcessingException | TimeoutException e) {
            throw new Unavailable("the research service (agents) is unavailable: " + e.getMessage());
        }
    }

    private static Unavailable unexpected(RestResponse<ObjectNode> response) {
        return new Unavailable(
                "the research service (agents) answered " + response.getStatus() + ": " + detail(response));
    }

    private static String detail(RestResponse<ObjectNode> response) {
        ObjectNode body = response.getEntity();
        return body == null ? "" : body.path("detail").asText("");
    }

    /** The agents could not be asked, or did not answer as their API says: a 503, which a poll may outlive. */
    public static final class Unavailable extends ProblemException {
        Unavailable(String detail) {
            super(503, detail);
        }
    }
}
