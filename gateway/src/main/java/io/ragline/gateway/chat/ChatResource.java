package io.ragline.gateway.chat;

import io.ragline.gateway.access.ApiKeys;
import io.ragline.gateway.access.Caller;
import io.ragline.gateway.config.GatewayConfig;
import io.ragline.gateway.problem.ProblemException;
import io.ragline.gateway.problem.ProblemMapper;
import io.vertx.core.http.HttpServerResponse;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;

/** The chat API: grounded, cited answers, as JSON or as Server-Sent Events; stored conversations. */
@Path("/v1")
public class ChatResource {

    private static final Logger LOG = Logger.getLogger(ChatResource.class);

    @Inject
    ChatService chat;

    @Inject
    ConversationStore conversations;

    @Inject
    GatewayConfig config;

    @Inject
    Caller caller;

    @Inject
    ApiKeys keys;

    @POST
    @Path("/chat")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    @Operation(
            summary = "Answer a message from the indexed documents, with citations",
            description = "With stream=true the answer comes as Server-Sent Events: retrieval, token..., citation...,"
                    + " done (the full answer) or error.")
    public Response chat(ChatRequest request, @Context HttpServerResponse response) {
        String tenant = caller.tenant();
        ChatService.Prepared prepared = chat.prepare(tenant, request);
        String keyId = caller.keyId();
        if (!request.streaming()) {
            ChatAnswer answer = chat.answer(prepared, ChatEvents.NONE);
            keys.spend(keyId, answer.usage().totalTokens());
            return Response.ok(answer).build();
        }
        StreamingOutput body = out -> {
            SseWriter sse = new SseWriter(out, response);
            try {
                ChatAnswer answer = chat.answer(prepared, new SseChatEvents(sse));
                if (answer != null) {
                    keys.spend(keyId, answer.usage().totalTokens());
                }
            } catch (ProblemException e) {
                sse.event("error", Map.of("status", e.status(), "detail", e.getMessage()));
            } catch (RuntimeException e) {
                LOG.error("chat stream failed", e);
                sse.event("error", Map.of("status", 500, "detail", "internal error: " + e.getMessage()));
            }
        };
        return Response.ok(body, MediaType.SERVER_SENT_EVENTS)
                .header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no")
                .build();
    }

    @GET
    @Path("/conversations/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A stored conversation with its turns and their citations")
    public ConversationStore.Conversation conversation(@PathParam("id") String id) {
        return conversations
                .find(caller.tenant(), id)
                .orElseThrow(() -> new ProblemException(404, "conversation '" + id + "' does not exist"));
    }

    @DELETE
    @Path("/conversations/{id}")
    @Operation(summary = "Delete a conversation and its turns")
    public Response delete(@PathParam("id") String id) {
        if (!conversations.delete(caller.tenant(), id)) {
            return ProblemMapper.problem(404, "conversation '" + id + "' does not exist")
                    .build();
        }
        return Response.noContent().build();
    }

    /** Chat events as SSE frames. */
    private record SseChatEvents(SseWriter sse) implements ChatEvents {

        @Override
        public boolean streaming() {
            return true;
        }

        @Override
        public void retrieval(String conversationId, String query, List<Citation> sources) {
            sse.event("retrieval", Map.of("conversationId", conversationId, "query", query, "sources", sources));
        }

        @Override
        public void token(String text) {
            sse.event("token", Map.of("text", text));
        }

        @Override
        public void citation(Citation citation) {
            sse.event("citation", citation);
        }

        @Override
        public void done(ChatAnswer answer) {
            sse.event("done", answer);
        }

        @Override
        public void error(String reason) {
            sse.event("error", Map.of("status", 502, "detail", reason));
        }

        @Override
        public boolean closed() {
            return sse.closed();
        }
    }
}
