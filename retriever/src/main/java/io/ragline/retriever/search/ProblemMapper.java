package io.ragline.retriever.search;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Refusals as RFC 9457 problem bodies, with the reason. */
public class ProblemMapper {

    /** {@code {"status", "title", "detail"}}. */
    public record Problem(int status, String title, String detail) {}

    @ServerExceptionMapper
    public Response invalid(InvalidSearchException e) {
        return badRequest(e.getMessage());
    }

    @ServerExceptionMapper
    public Response unavailable(SearchUnavailableException e) {
        return Response.status(503)
                .type("application/problem+json")
                .entity(new Problem(503, "Service Unavailable", e.getMessage()))
                .build();
    }

    /** Replaces Quarkus' built-in mapping of Jackson's binding errors, which names no reason. */
    @ServerExceptionMapper(priority = 1)
    public Response mismatched(MismatchedInputException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return badRequest("unknown field '" + u.getPropertyName() + "'; known: " + u.getKnownPropertyIds());
        }
        return unreadable(e);
    }

    @ServerExceptionMapper(priority = 1)
    public Response unreadable(JsonProcessingException e) {
        return badRequest("the body is not a valid search request: " + e.getOriginalMessage());
    }

    /** A body that is not JSON at all reaches here as a bare 400 from the reader. */
    @ServerExceptionMapper(priority = 1)
    public Response rejected(WebApplicationException e) {
        if (e.getResponse().getStatus() == 400 && !e.getResponse().hasEntity()) {
            return badRequest("the body is not a valid search request: expected a JSON object");
        }
        return e.getResponse();
    }

    private static Response badRequest(String detail) {
        return Response.status(400)
                .type("application/problem+json")
                .entity(new Problem(400, "Bad Request", detail))
                .build();
    }
}
