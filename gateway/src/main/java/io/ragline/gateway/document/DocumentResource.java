package io.ragline.gateway.document;

import io.ragline.contracts.document.DocumentDeleted;
import io.ragline.contracts.document.DocumentSubmitted;
import io.ragline.gateway.config.GatewayConfig;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Document intake: {@code POST /v1/documents} accepts a document and publishes it on {@code documents.submitted}
 * (keyed tenant/documentId); {@code DELETE /v1/documents/{id}} publishes on {@code documents.deleted}; {@code GET}
 * reports the indexing status ingest recorded.
 */
@Path("/v1/documents")
@Tag(name = "documents")
@Produces(MediaType.APPLICATION_JSON)
public class DocumentResource {

    static final String SUBMITTED_CHANNEL = "documents-submitted";
    static final String DELETED_CHANNEL = "documents-deleted";
    private static final Pattern DOCUMENT_ID = Pattern.compile("[A-Za-z0-9._:/-]{1,200}");
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    /** A JSON document: {@code text} is required; {@code id} makes re-submissions replace the same document. */
    public record TextDocument(String id, String title, String text, Map<String, String> metadata) {}

    /** What the caller gets back at once; indexing happens asynchronously. */
    public record Accepted(String documentId, String eventId, String status) {}

    @Inject
    GatewayConfig config;

    @Inject
    DocumentStatusRepository statuses;

    @Inject
    @Channel(SUBMITTED_CHANNEL)
    MutinyEmitter<DocumentSubmitted> submitted;

    @Inject
    @Channel(DELETED_CHANNEL)
    MutinyEmitter<DocumentDeleted> deleted;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a text document for indexing; returns 202 with its id at once")
    public Response submit(TextDocument document) {
        if (document == null) {
            throw new ProblemException(400, "body is required: {\"title\", \"text\", \"metadata\"}");
        }
        if (document.text() == null || document.text().isBlank()) {
            throw new ProblemException(400, "text is required and must not be blank");
        }
        byte[] bytes = document.text().getBytes(StandardCharsets.UTF_8);
        if (bytes.length > config.documents().maxTextBytes()) {
            throw new ProblemException(
                    413,
                    "text is " + bytes.length + " bytes; the limit is "
                            + config.documents().maxTextBytes());
        }
        String id = document.id() == null || document.id().isBlank()
                ? UUID.randomUUID().toString()
                : document.id();
        if (!DOCUMENT_ID.matcher(id).matches()) {
            throw new ProblemException(400, "id must be 1-200 characters of letters, digits and . _ : / -");
        }
        String title = document.title() == null || document.title().isBlank() ? id : document.title();
        DocumentSubmitted event = DocumentSubmitted.of(
                config.defaultTenant(),
                id,
                title,
                "api",
                "text/plain",
                sha256(bytes),
                bytes.length,
                document.text(),
                null,
                document.metadata());
        send(submitted, event, event.partitionKey());
        return Response.accepted(new Accepted(id, event.eventId(), "submitted")).build();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Indexing status of a document")
    public DocumentStatusRepository.DocumentStatus status(@PathParam("id") String id) {
        return statuses.find(config.defaultTenant(), id)
                .orElseThrow(() -> new ProblemException(404, "no document '" + id + "' (it may still be queued)"));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a document and its chunks; returns 202, the index follows asynchronously")
    public Response delete(@PathParam("id") String id) {
        if (!DOCUMENT_ID.matcher(id).matches()) {
            throw new ProblemException(400, "invalid document id");
        }
        DocumentDeleted event = DocumentDeleted.of(config.defaultTenant(), id, "api");
        send(deleted, event, event.partitionKey());
        return Response.accepted(new Accepted(id, event.eventId(), "deleting")).build();
    }

    /** Waits for the broker's acknowledgement, so a 202 means the event is durably on the topic. */
    private static <T> void send(MutinyEmitter<T> emitter, T event, String key) {
        Message<T> message = Message.of(event)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(key)
                        .build());
        try {
            emitter.sendMessage(message).await().atMost(SEND_TIMEOUT);
        } catch (RuntimeException e) {
            throw new ProblemException(503, "the event broker did not accept the document: " + e.getMessage());
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
