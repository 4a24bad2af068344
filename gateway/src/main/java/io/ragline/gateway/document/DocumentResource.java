package io.ragline.gateway.document;

import com.fasterxml.jackson.core.type.TypeReference;
import io.ragline.contracts.EventJson;
import io.ragline.contracts.document.ContentHash;
import io.ragline.contracts.document.DocumentDeleted;
import io.ragline.contracts.document.DocumentSubmitted;
import io.ragline.contracts.document.api.IntakeApi;
import io.ragline.contracts.document.api.IntakeApi.Submission;
import io.ragline.gateway.access.Caller;
import io.ragline.gateway.config.GatewayConfig;
import io.ragline.gateway.problem.ProblemException;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.tika.Tika;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

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
    /** How a submission the broker did not take is explained to its submitter. */
    private static final String REFUSED = "the event broker did not accept the document: ";

    /** A JSON document: {@code text} is required; {@code id} makes re-submissions replace the same document. */
    public record TextDocument(String id, String title, String text, Map<String, String> metadata) {}

    /** What the caller gets back at once; indexing happens asynchronously. */
    public record Accepted(String documentId, String eventId, String status) {}

    /** One accepted upload. */
    public record AcceptedFile(String documentId, String eventId, String status, String fileName, String mediaType) {}

    /** The answer to a multipart upload of one or many files. */
    public record AcceptedFiles(List<AcceptedFile> documents) {}

    private static final Tika TIKA = new Tika();

    @Inject
    Intake intake;

    @Inject
    GatewayConfig config;

    @Inject
    Caller caller;

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
        check(document);
        DocumentSubmitted event = textEvent(caller.tenant(), document);
        publish(event);
        return Response.accepted(new Accepted(event.documentId(), event.eventId(), "queued"))
                .build();
    }

    /** Many JSON documents in one request. */
    public record Batch(List<TextDocument> documents) {}

    /** Each document of a batch, in the request's order: queued, or failed with the reason. */
    public record BatchAccepted(List<BatchItem> documents) {}

    public record BatchItem(String documentId, String eventId, String status, String reason) {}

    @POST
    @Path("/batch")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Submit many text documents at once (bulk loads): every one is checked first, and one invalid"
                    + " refuses the batch with the reason of each (400); then all are published together. 202 when the"
                    + " broker took every one, 207 with each document's status when it refused some")
    public Response submitBatch(Batch batch) {
        if (batch == null || batch.documents() == null || batch.documents().isEmpty()) {
            throw new ProblemException(
                    400, "body is required: {\"documents\": [{\"id\", \"title\", \"text\", \"metadata\"}]}");
        }
        List<TextDocument> documents = batch.documents();
        int max = config.documents().maxBatchDocuments();
        if (documents.size() > max) {
            throw new ProblemException(
                    413, "the batch holds " + documents.size() + " documents; at most " + max + " are accepted");
        }
        List<String> problems = new ArrayList<>();
        Map<String, Integer> firstIndex = new HashMap<>();
        for (int i = 0; i < documents.size(); i++) {
            TextDocument d = documents.get(i);
            try {
                check(d);
                if (d.id() != null && !d.id().isBlank()) {
                    Integer earlier = firstIndex.putIfAbsent(d.id(), i);
                    if (earlier != null) {
                        throw new ProblemException(400, "id '" + d.id() + "' is also documents[" + earlier + "]");
                    }
                }
            } catch (ProblemException e) {
                problems.add("documents[" + i + "]: " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new ProblemException(
                    400, "nothing was accepted; " + problems.size() + " invalid: " + String.join("; ", problems));
        }
        String tenant = caller.tenant();
        List<DocumentSubmitted> events =
                documents.stream().map(d -> textEvent(tenant, d)).toList();
        Map<String, String> refused = publishAll(events);
        List<BatchItem> items = events.stream()
                .map(e -> refused.containsKey(e.eventId())
                        ? new BatchItem(e.documentId(), e.eventId(), "failed", refused.get(e.eventId()))
                        : new BatchItem(e.documentId(), e.eventId(), "queued", null))
                .toList();
        return Response.status(refused.isEmpty() ? 202 : 207)
                .entity(new BatchAccepted(items))
                .build();
    }

    /** Refuses a JSON document that cannot be indexed, with the reason (400, or 413 for its size). */
    private void check(TextDocument document) {
        if (document == null) {
            throw new ProblemException(400, "body is required: {\"title\", \"text\", \"metadata\"}");
        }
        if (document.text() == null || document.text().isBlank()) {
            throw new ProblemException(400, "text is required and must not be blank");
        }
        int size = document.text().getBytes(StandardCharsets.UTF_8).length;
        if (size > config.documents().maxTextBytes()) {
            throw new ProblemException(
                    413,
                    "text is " + size + " bytes; the limit is "
                            + config.documents().maxTextBytes());
        }
        documentId(document.id());
    }

    /** The submission of a checked JSON document; a large body goes to the claim-check table first. */
    private DocumentSubmitted textEvent(String tenant, TextDocument document) {
        byte[] bytes = document.text().getBytes(StandardCharsets.UTF_8);
        String id = documentId(document.id());
        String title = document.title() == null || document.title().isBlank() ? id : document.title();
        boolean inline = bytes.length <= config.documents().inlineMaxBytes();
        return DocumentSubmitted.of(
                tenant,
                id,
                title,
                "api",
                "text/plain",
                ContentHash.of(bytes),
                bytes.length,
                inline ? document.text() : null,
                inline ? null : intake.store(tenant, "text/plain", null, bytes),
                document.metadata());
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(
            summary = "Upload one or many files (form field 'file', repeatable) for indexing; returns 202 at once."
                    + " Optional fields: 'id' (only with one file: re-uploads replace that document), 'title',"
                    + " 'metadata' (a JSON object of strings)")
    public Response upload(
            @RestForm("file") List<FileUpload> files,
            @RestForm("id") String id,
            @RestForm("title") String title,
            @RestForm("metadata") String metadata)
            throws IOException {
        if (files == null || files.isEmpty()) {
            throw new ProblemException(400, "no file: send the file(s) in the multipart field 'file'");
        }
        if (id != null && !id.isBlank() && files.size() > 1) {
            throw new ProblemException(400, "'id' names one document: send one file with it, or leave it out");
        }
        Map<String, String> meta = parseMetadata(metadata);
        String tenant = caller.tenant();
        List<Upload> checked = new ArrayList<>();
        for (FileUpload file : files) {
            checked.add(check(file));
        }
        List<DocumentSubmitted> events = new ArrayList<>();
        List<AcceptedFile> accepted = new ArrayList<>();
        for (Upload upload : checked) {
            String documentId = documentId(id);
            String docTitle = title == null || title.isBlank() ? upload.fileName() : title;
            String ref = intake.store(tenant, upload.mediaType(), upload.fileName(), upload.bytes());
            DocumentSubmitted event = DocumentSubmitted.of(
                    tenant,
                    documentId,
                    docTitle,
                    "upload:" + upload.fileName(),
                    upload.mediaType(),
                    ContentHash.of(upload.bytes()),
                    upload.bytes().length,
                    null,
                    ref,
                    meta);
            events.add(event);
            accepted.add(
                    new AcceptedFile(documentId, event.eventId(), "queued", upload.fileName(), upload.mediaType()));
        }
        if (events.size() == 1) {
            publish(events.get(0));
            return Response.accepted(new AcceptedFiles(accepted)).build();
        }
        Map<String, String> refused = publishAll(events);
        List<AcceptedFile> outcome = accepted.stream()
                .map(a -> refused.containsKey(a.eventId())
                        ? new AcceptedFile(
                                a.documentId(),
                                a.eventId(),
                                "failed: " + refused.get(a.eventId()),
                                a.fileName(),
                                a.mediaType())
                        : a)
                .toList();
        return Response.status(refused.isEmpty() ? 202 : 207)
                .entity(new AcceptedFiles(outcome))
                .build();
    }

    private record Upload(String fileName, String mediaType, byte[] bytes) {}

    /** Size and media type of one upload, checked before anything is stored or published. */
    private Upload check(FileUpload file) throws IOException {
        String name = file.fileName() == null || file.fileName().isBlank() ? "upload" : file.fileName();
        if (file.size() > config.documents().maxFileBytes()) {
            throw new ProblemException(
                    413,
                    name + " is " + file.size() + " bytes; the limit is "
                            + config.documents().maxFileBytes());
        }
        byte[] bytes = Files.readAllBytes(file.uploadedFile());
        String mediaType = TIKA.detect(bytes, name);
        if (!mediaType.startsWith("text/")
                && !config.documents().supportedMediaTypes().contains(mediaType)) {
            throw new ProblemException(
                    415,
                    name + " is " + mediaType + ", which ragline does not index; supported: text/* and "
                            + String.join(", ", config.documents().supportedMediaTypes()));
        }
        return new Upload(name, mediaType, bytes);
    }

    private static String documentId(String requested) {
        String id = requested == null || requested.isBlank() ? UUID.randomUUID().toString() : requested;
        if (!DOCUMENT_ID.matcher(id).matches()) {
            throw new ProblemException(400, "id must be 1-200 characters of letters, digits and . _ : / -");
        }
        return id;
    }

    private static Map<String, String> parseMetadata(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            Map<String, String> parsed =
                    EventJson.mapper().readValue(json, new TypeReference<Map<String, String>>() {});
            return parsed == null ? Map.of() : parsed;
        } catch (IOException e) {
            throw new ProblemException(400, "metadata must be a JSON object of strings: " + e.getMessage());
        }
    }

    /** Up to 1,000 submissions per request. */
    public record StatusRequest(List<Submission> submissions) {}

    @POST
    @Path("/status")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "For many submissions at once: has ingest applied each, and with what result")
    public List<IntakeApi.SubmissionStatus> submissionStatus(StatusRequest request) {
        if (request == null
                || request.submissions() == null
                || request.submissions().isEmpty()) {
            throw new ProblemException(400, "submissions is required: [{\"documentId\", \"eventId\"}, ...]");
        }
        if (request.submissions().size() > 1000) {
            throw new ProblemException(
                    400,
                    "at most 1000 submissions per request, got "
                            + request.submissions().size());
        }
        for (Submission s : request.submissions()) {
            if (s == null || s.documentId() == null || s.eventId() == null) {
                throw new ProblemException(400, "every submission needs documentId and eventId");
            }
        }
        return intake.submissions(caller.tenant(), request.submissions());
    }

    @GET
    @Operation(
            summary =
                    "The tenant's documents, most recently changed first, optionally at one stage"
                            + " (queued, parsing, embedding, indexed, failed, deleted); page with 'after' = the previous 'next'")
    public IntakeApi.DocumentPage list(
            @QueryParam("status") String status,
            @QueryParam("limit") @DefaultValue("50") int limit,
            @QueryParam("after") String after) {
        if (status != null && !IntakeApi.STAGES.contains(status)) {
            throw new ProblemException(
                    400, "unknown status '" + status + "'; one of " + String.join(", ", IntakeApi.STAGES));
        }
        if (limit < 1 || limit > 1000) {
            throw new ProblemException(400, "limit must be between 1 and 1000, got " + limit);
        }
        return intake.list(caller.tenant(), status, limit, after);
    }

    @GET
    @Path("/{id: .+}")
    @Operation(summary = "Indexing status of a document: its stage and when each stage was reached")
    public IntakeApi.DocumentStatus status(@PathParam("id") String id) {
        return intake.find(caller.tenant(), id)
                .orElseThrow(() -> new ProblemException(404, "no document '" + id + "' (it may still be queued)"));
    }

    @DELETE
    @Path("/{id: .+}")
    @Operation(summary = "Delete a document and its chunks; returns 202, the index follows asynchronously")
    public Response delete(@PathParam("id") String id) {
        if (!DOCUMENT_ID.matcher(id).matches()) {
            throw new ProblemException(400, "invalid document id");
        }
        DocumentDeleted event = DocumentDeleted.of(caller.tenant(), id, "api");
        send(deleted, event, event.partitionKey());
        return Response.accepted(new Accepted(id, event.eventId(), "deleting")).build();
    }

    /** Records the submission as queued, then publishes it; a submission the broker refuses is marked failed (503). */
    private void publish(DocumentSubmitted event) {
        String refused = publishAll(List.of(event)).get(event.eventId());
        if (refused != null) {
            throw new ProblemException(503, refused);
        }
    }

    /**
     * Records the submissions as queued (one statement), publishes them all at once and waits for every
     * acknowledgement, so a 202 means each event is durably on its topic; returns the reason for each event the
     * broker did not take (marked failed for its submitter), by event id.
     */
    private Map<String, String> publishAll(List<DocumentSubmitted> events) {
        intake.queued(events);
        List<CompletableFuture<Void>> sends = new ArrayList<>(events.size());
        for (DocumentSubmitted event : events) {
            sends.add(submitted.sendMessage(keyed(event, event.partitionKey())).subscribeAsCompletionStage());
        }
        long deadline = System.nanoTime() + SEND_TIMEOUT.toNanos();
        Map<String, String> refused = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            DocumentSubmitted event = events.get(i);
            try {
                sends.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                refused.put(event.eventId(), REFUSED + "interrupted");
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                String why = cause.getMessage() == null ? cause.toString() : cause.getMessage();
                refused.put(event.eventId(), REFUSED + why);
            }
            if (refused.containsKey(event.eventId())) {
                sends.get(i).cancel(false);
                intake.notPublished(event, refused.get(event.eventId()));
            }
        }
        return refused;
    }

    private static <T> Message<T> keyed(T event, String key) {
        return Message.of(event)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(key)
                        .build());
    }

    /** Waits for the broker's acknowledgement, so a 202 means the event is durably on the topic. */
    private static <T> void send(MutinyEmitter<T> emitter, T event, String key) {
        try {
            emitter.sendMessage(keyed(event, key)).await().atMost(SEND_TIMEOUT);
        } catch (RuntimeException e) {
            throw new ProblemException(503, REFUSED + e.getMessage());
        }
    }
}
