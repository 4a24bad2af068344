package io.ragline.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ragline.gateway.access.ApiKeys;
import io.ragline.gateway.access.Caller;
import io.ragline.gateway.chat.ChatAnswer;
import io.ragline.gateway.chat.ChatEvents;
import io.ragline.gateway.chat.ChatRequest;
import io.ragline.gateway.chat.ChatService;
import io.ragline.gateway.chat.Citation;
import io.ragline.gateway.chat.SseWriter;
import io.ragline.gateway.chat.Turn;
import io.ragline.gateway.config.GatewayConfig;
import io.ragline.gateway.problem.ProblemException;
import io.vertx.core.http.HttpServerResponse;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;

/**
 * The OpenAI-compatible face of the chat: {@code POST /v1/chat/completions} (plain and streaming) and
 * {@code GET /v1/models}, so OpenAI clients and chat front ends can use ragline as a model. The model name selects a
 * collection ({@code ragline}: everything; others from {@code gateway.collections}); the last user message is the
 * question and the earlier user/assistant messages its history (the client's own system message is not used: ragline
 * keeps its grounded prompt). Citations travel in the message, as a numbered source list after the answer, and as the
 * extra field {@code citations}.
 */
@Path("/v1")
public class OpenAiResource {

    static final String DEFAULT_MODEL = "ragline";
    static final String SOURCES = "\n\nSources:\n";

    private static final Logger LOG = Logger.getLogger(OpenAiResource.class);
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    @Inject
    ChatService chat;

    @Inject
    GatewayConfig config;

    @Inject
    Caller caller;

    @Inject
    ApiKeys keys;

    @GET
    @Path("/models")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The collections ragline offers as OpenAI models")
    public JsonNode models() {
        ObjectNode list = JSON.createObjectNode().put("object", "list");
        ArrayNode data = list.putArray("data");
        for (String id : collections().keySet()) {
            data.addObject()
                    .put("id", id)
                    .put("object", "model")
                    .put("created", 0)
                    .put("owned_by", "ragline");
        }
        return list;
    }

    @POST
    @Path("/chat/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    @Operation(summary = "OpenAI-compatible chat completion, answered from the indexed documents with citations")
    public Response completions(JsonNode body, @Context HttpServerResponse http) {
        String tenant = caller.tenant();
        ChatService.Prepared prepared;
        String model;
        boolean stream;
        try {
            if (body == null || !body.isObject()) {
                throw new ProblemException(400, "the body must be a JSON object");
            }
            model = body.path("model").asText(DEFAULT_MODEL);
            Map<String, JsonNode> collections = collections();
            if (!collections.containsKey(model)) {
                return error(
                        404,
                        "model_not_found",
                        "model '" + model + "' does not exist; available: " + collections.keySet());
            }
            stream = body.path("stream").asBoolean(false);
            List<Turn> history = new ArrayList<>();
            String question = conversation(body.path("messages"), history);
            ChatRequest request = new ChatRequest(null, question, collections.get(model), stream, null);
            prepared = chat.prepare(tenant, request, history);
        } catch (ProblemException e) {
            return error(
                    e.status(), e.status() == 503 ? "service_unavailable" : "invalid_request_error", e.getMessage());
        }
        String id = "chatcmpl-" + UUID.randomUUID();
        long created = System.currentTimeMillis() / 1000;
        String keyId = caller.keyId();
        if (!stream) {
            ChatAnswer answer = chat.answer(prepared, ChatEvents.NONE);
            keys.spend(keyId, answer.usage().totalTokens());
            return Response.ok(completion(id, created, model, answer)).build();
        }
        StreamingOutput out = os -> {
            SseWriter sse = new SseWriter(os, http);
            try {
                ChatAnswer answer = chat.answer(prepared, new Chunks(sse, id, created, model));
                if (answer != null) {
                    keys.spend(keyId, answer.usage().totalTokens());
                }
            } catch (RuntimeException e) {
                LOG.error("chat completion stream failed", e);
                sse.data(JSON.createObjectNode()
                        .set("error", errorBody("server_error", e.getMessage()))
                        .toString());
            }
            sse.data("[DONE]");
        };
        return Response.ok(out, MediaType.SERVER_SENT_EVENTS)
                .header("Cache-Control", "no-cache")
                .build();
    }

    /** The question (last message, which must be the user's) and the user/assistant pairs before it. */
    static String conversation(JsonNode messages, List<Turn> history) {
        if (!messages.isArray() || messages.isEmpty()) {
            throw new ProblemException(400, "messages is required: a non-empty array of {role, content}");
        }
        JsonNode last = messages.get(messages.size() - 1);
        if (!last.path("role").asText().equals("user")) {
            throw new ProblemException(
                    400,
                    "the last message must have role 'user', was '"
                            + last.path("role").asText() + "'");
        }
        String pendingQuestion = null;
        for (int i = 0; i < messages.size() - 1; i++) {
            JsonNode m = messages.get(i);
            String role = m.path("role").asText();
            if (role.equals("user")) {
                pendingQuestion = text(m.path("content"));
            } else if (role.equals("assistant") && pendingQuestion != null) {
                String answer = text(m.path("content"));
                int sources = answer.indexOf(SOURCES);
                history.add(new Turn(pendingQuestion, sources < 0 ? answer : answer.substring(0, sources)));
                pendingQuestion = null;
            } else if (!role.equals("system")
                    && !role.equals("assistant")
                    && !role.equals("developer")
                    && !role.equals("tool")) {
                throw new ProblemException(400, "messages[" + i + "].role '" + role + "' is not a chat role");
            }
        }
        return text(last.path("content"));
    }

    private static String text(JsonNode content) {
        if (content.isArray()) {
            StringBuilder s = new StringBuilder();
            for (JsonNode part : content) {
                if (part.path("type").asText("text").equals("text")) {
                    s.append(part.path("text").asText());
                }
            }
            return s.toString();
        }
        return content.asText("");
    }

    private Map<String, JsonNode> collections() {
        Map<String, JsonNode> out = new TreeMap<>();
        out.put(DEFAULT_MODEL, null);
        config.collections().forEach((name, filters) -> {
            try {
                out.put(name, JSON.readTree(filters));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("gateway.collections." + name + " is not JSON: " + filters, e);
            }
        });
        return out;
    }

    /** The answer followed by its numbered sources, as OpenAI clients show the message. */
    static String withSources(ChatAnswer answer) {
        if (answer.citations().isEmpty()) {
            return answer.answer();
        }
        return answer.answer() + sourceList(answer.citations());
    }

    private static String sourceList(List<Citation> citations) {
        StringBuilder s = new StringBuilder(SOURCES);
        for (Citation c : citations) {
            s.append('[').append(c.n()).append("] ").append(c.title() == null ? c.documentId() : c.title());
            if (c.headingPath() != null
                    && !c.headingPath().isBlank()
                    && !c.headingPath().equals(c.title())) {
                s.append(" — ").append(c.headingPath());
            }
            s.append(" (").append(c.documentId()).append(")\n");
        }
        return s.toString().stripTrailing();
    }

    private static ObjectNode completion(String id, long created, String model, ChatAnswer answer) {
        ObjectNode body = JSON.createObjectNode()
                .put("id", id)
                .put("object", "chat.completion")
                .put("created", created)
                .put("model", model);
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", withSources(answer));
        choice.put("finish_reason", "stop");
        body.putObject("usage")
                .put("prompt_tokens", answer.usage().promptTokens())
                .put("completion_tokens", answer.usage().completionTokens())
                .put("total_tokens", answer.usage().totalTokens());
        extras(body, answer);
        return body;
    }

    private static void extras(ObjectNode body, ChatAnswer answer) {
        body.set("citations", JSON.valueToTree(answer.citations()));
        body.putObject("ragline")
                .put("mode", answer.mode())
                .put("notice", answer.notice())
                .put("conversationId", answer.conversationId())
                .put("answerId", answer.answerId())
                .put("answeredBy", answer.model());
    }

    private static Response error(int status, String type, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.set("error", errorBody(type, message));
        Response.ResponseBuilder r =
                Response.status(status).type(MediaType.APPLICATION_JSON).entity(body);
        if (status == 503) {
            r.header("Retry-After", 5);
        }
        return r.build();
    }

    private static ObjectNode errorBody(String type, String message) {
        ObjectNode e = JSON.createObjectNode().put("message", message).put("type", type);
        e.putNull("param");
        e.put("code", type);
        return e;
    }

    /** Chat events as {@code chat.completion.chunk} frames. */
    private static final class Chunks implements ChatEvents {
        private final SseWriter sse;
        private final String id;
        private final long created;
        private final String model;

        Chunks(SseWriter sse, String id, long created, String model) {
            this.sse = sse;
            this.id = id;
            this.created = created;
            this.model = model;
        }

        private ObjectNode chunk() {
            ObjectNode c = JSON.createObjectNode()
                    .put("id", id)
                    .put("object", "chat.completion.chunk")
                    .put("created", created)
                    .put("model", model);
            ObjectNode choice = c.putArray("choices").addObject().put("index", 0);
            choice.putObject("delta");
            choice.putNull("finish_reason");
            return c;
        }

        private ObjectNode delta(ObjectNode chunk) {
            return (ObjectNode) chunk.withArray("choices").get(0).path("delta");
        }

        @Override
        public boolean streaming() {
            return true;
        }

        @Override
        public void retrieval(String conversationId, String query, List<Citation> sources) {
            ObjectNode c = chunk();
            delta(c).put("role", "assistant").put("content", "");
            sse.data(c.toString());
        }

        @Override
        public void token(String text) {
            ObjectNode c = chunk();
            delta(c).put("content", text);
            sse.data(c.toString());
        }

        @Override
        public void citation(Citation citation) {
            // sent together with the source list in the last chunk
        }

        @Override
        public void done(ChatAnswer answer) {
            ObjectNode c = chunk();
            if (!answer.citations().isEmpty()) {
                delta(c).put("content", sourceList(answer.citations()));
            }
            ((ObjectNode) c.withArray("choices").get(0)).put("finish_reason", "stop");
            c.putObject("usage")
                    .put("prompt_tokens", answer.usage().promptTokens())
                    .put("completion_tokens", answer.usage().completionTokens())
                    .put("total_tokens", answer.usage().totalTokens());
            extras(c, answer);
            sse.data(c.toString());
        }

        @Override
        public void error(String reason) {
            ObjectNode c = JSON.createObjectNode();
            c.set("error", errorBody("server_error", reason));
            sse.data(c.toString());
        }

        @Override
        public boolean closed() {
            return sse.closed();
        }
    }
}
