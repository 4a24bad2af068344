package io.ragline.gateway.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns refusals into RFC 9457 problem bodies: {@code {"status", "title", "detail"}}, always with the reason. */
public class ProblemMapper {

    /** The body of every 4xx/5xx the gateway answers itself. */
    public record Problem(int status, String title, String detail) {}

    @ServerExceptionMapper
    public Response map(ProblemException e) {
        Response.ResponseBuilder response = problem(e.status(), e.getMessage());
        if (e.retryAfterSeconds() > 0) {
            response.header("Retry-After", e.retryAfterSeconds());
        }
        return response.build();
    }

    /** Replaces Quarkus' built-in mapping of Jackson's binding errors, which names no reason. */
    @ServerExceptionMapper(priority = 1)
    public Response mismatched(MismatchedInputException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return problem(400, "unknown field '" + u.getPropertyName() + "'; known: " + u.getKnownPropertyIds())
                    .build();
        }
        return unreadable(e);
    }

    @ServerExceptionMapper(priority = 1)
    public Response unreadable(JsonProcessingException e) {
        return problem(400, "the body is not valid: " + e.getOriginalMessage()).build();
    }

    /** A body that is not JSON at all reaches here as a bare 400 from the reader. */
    @ServerExceptionMapper(priority = 1)
    public Response rejected(WebApplicationException e) {
        if (e.getResponse().getStatus() == 400 && !e.getResponse().hasEntity()) {
            return problem(400, "the body is not valid: expected a JSON object").build();
        }
        return e.getResponse();
    }

    public static Response.ResponseBuilder problem(int status, String detail) {
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known == null ? "Error" : known.getReasonPhrase();
        return Response.status(status).type("application/problem+json").entity(new Problem(status, title, detail));
    }
}
