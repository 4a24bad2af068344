package io.ragline.judge.evals;

import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.client.SseEvent;

/**
 * The gateway's streamed chat ({@code POST /v1/chat} with {@code "stream": true}) as a Quarkus REST Client: an
 * evaluation asks each question as a user would and reads the {@code retrieval}, {@code done} and {@code error} events.
 */
public interface GatewayChatApi {

    @POST
    @Path("/v1/chat")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    Multi<SseEvent<String>> chat(@HeaderParam("Authorization") String authorization, String request);
}
