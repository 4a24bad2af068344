package io.ragline.gateway.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ragline.contracts.review.ReviewRequested;
import io.ragline.gateway.config.GatewayConfig;
import io.ragline.gateway.problem.ProblemException;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * GitHub's webhook: verifies {@code X-Hub-Signature-256} over the raw body before anything else, deduplicates by
 * {@code X-GitHub-Delivery}, and turns pull-request deliveries that need a review into review-requested events keyed
 * {@code owner/repo#number} (one PR's reviews stay ordered; the agent lets a newer head SHA supersede an older one).
 */
@Path("/webhooks/github")
public class GitHubWebhookResource {

    public static final String CHANNEL = "reviews-requested";
    static final Set<String> REVIEWED = Set.of("opened", "reopened", "synchronize", "ready_for_review");
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = Logger.getLogger(GitHubWebhookResource.class);

    @Inject
    GatewayConfig config;

    @Inject
    Deliveries deliveries;

    @Inject
    @Channel(CHANNEL)
    MutinyEmitter<ReviewRequested> requests;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "GitHub webhook (pull_request, ping); signed with the configured secret")
    public Response deliver(
            byte[] body,
            @HeaderParam("X-Hub-Signature-256") String signature,
            @HeaderParam("X-GitHub-Event") String event,
            @HeaderParam("X-GitHub-Delivery") String deliveryId,
            @HeaderParam("Content-Type") String contentType) {
        GatewayConfig.GitHub github = config.github();
        if (body.length > github.maxBodyBytes()) {
            throw new ProblemException(
                    413, "the delivery has " + body.length + " bytes; the limit is " + github.maxBodyBytes());
        }
        String secret = github.webhookSecret().orElse("");
        if (secret.isBlank()) {
            throw new ProblemException(403, "the GitHub webhook is off: set gateway.github.webhook-secret");
        }
        if (signature == null || signature.isBlank()) {
            throw new ProblemException(401, "X-Hub-Signature-256 is missing: configure the webhook with a secret");
        }
        if (!WebhookSignature.valid(secret, body, signature)) {
            throw new ProblemException(401, "X-Hub-Signature-256 does not match the body and the configured secret");
        }
        if (event == null || event.isBlank() || deliveryId == null || deliveryId.isBlank()) {
            throw new ProblemException(400, "X-GitHub-Event and X-GitHub-Delivery are required");
        }
        JsonNode payload = payload(body, contentType);
        if (event.equals("ping")) {
            return Response.ok(
                            Map.of("status", "pong", "zen", payload.path("zen").asText("")))
                    .build();
        }
        String ignored = ignoredBecause(event, payload, github.reviewDrafts());
        if (!deliveries.take(deliveryId, event)) {
            return Response.ok(Map.of("status", "duplicate", "deliveryId", deliveryId))
                    .build();
        }
        if (ignored != null) {
            deliveries.finish(deliveryId, "ignored");
            return Response.ok(Map.of("status", "ignored", "reason", ignored)).build();
        }
        ReviewRequested request = ReviewRequested.of(
                github.tenant(),
                deliveryId,
                payload.path("repository").path("full_name").asText(),
                payload.path("pull_request")
                        .path("number")
                        .asInt(payload.path("number").asInt()),
                payload.path("pull_request").path("head").path("sha").asText(),
                payload.path("pull_request").path("base").path("sha").asText(null),
                payload.path("action").asText(),
                payload.path("installation").hasNonNull("id")
                        ? payload.path("installation").path("id").asLong()
                        : null,
                apiBaseUrl(payload));
        try {
            requests.sendMessage(Message.of(request)
                            .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                                    .withKey(request.partitionKey())
                                    .build()))
                    .await()
                    .atMost(SEND_TIMEOUT);
        } catch (RuntimeException e) {
            deliveries.release(deliveryId);
            LOG.warnf("delivery %s not queued: %s", deliveryId, e.getMessage());
            throw new ProblemException(503, "the event broker did not accept the review request: " + e.getMessage(), 5);
        }
        deliveries.finish(deliveryId, "published");
        return Response.accepted(Map.of(
                        "status", "queued",
                        "eventId", request.eventId(),
                        "pullRequest", request.partitionKey(),
                        "headSha", request.headSha()))
                .build();
    }

    /** Why a delivery needs no review, or null when it does. */
    static String ignoredBecause(String event, JsonNode payload, boolean reviewDrafts) {
        if (!event.equals("pull_request")) {
            return "event '" + event + "' is not reviewed";
        }
        String action = payload.path("action").asText();
        if (!REVIEWED.contains(action)) {
            return "action '" + action
                    + "' is not reviewed (reviewed: opened, reopened, synchronize, ready_for_review)";
        }
        JsonNode pr = payload.path("pull_request");
        if (pr.path("draft").asBoolean(false) && !reviewDrafts) {
            return "draft pull requests are not reviewed (gateway.github.review-drafts=false)";
        }
        if (payload.path("repository").path("full_name").asText().isBlank()
                || pr.path("head").path("sha").asText().isBlank()) {
            return "the payload has no repository or head commit";
        }
        return null;
    }

    /** GitHub Enterprise: the API root is the repository's API URL before {@code /repos/}; github.com: null. */
    static String apiBaseUrl(JsonNode payload) {
        String url = payload.path("repository").path("url").asText("");
        int repos = url.indexOf("/repos/");
        if (repos < 0 || url.startsWith("https://api.github.com/")) {
            return null;
        }
        return url.substring(0, repos);
    }

    private static JsonNode payload(byte[] body, String contentType) {
        try {
            String text = new String(body, StandardCharsets.UTF_8);
            if (contentType != null && contentType.startsWith("application/x-www-form-urlencoded")) {
                for (String pair : text.split("&")) {
                    if (pair.startsWith("payload=")) {
                        text = URLDecoder.decode(pair.substring(8), StandardCharsets.UTF_8);
                    }
                }
            }
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject()) {
                throw new ProblemException(400, "the delivery is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new ProblemException(400, "the delivery is not JSON: " + e.getMessage());
        }
    }
}
