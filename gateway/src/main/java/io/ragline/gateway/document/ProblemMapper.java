package io.ragline.gateway.document;

import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns refusals into RFC 9457 problem bodies: {@code {"status", "title", "detail"}}. */
public class ProblemMapper {

    /** The body of every 4xx/5xx the gateway answers itself. */
    public record Problem(int status, String title, String detail) {}

    @ServerExceptionMapper
    public Response map(ProblemException e) {
        Response.Status status = Response.Status.fromStatusCode(e.status());
        String title = status == null ? "Error" : status.getReasonPhrase();
        return Response.status(e.status())
                .type("application/problem+json")
                .entity(new Problem(e.status(), title, e.getMessage()))
                .build();
    }
}
