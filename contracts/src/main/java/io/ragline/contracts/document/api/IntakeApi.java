package io.ragline.contracts.document.api;

import java.time.Instant;
import java.util.List;

/**
 * Ingest's intake API, as ingest serves it and the gateway calls it: ingest owns the {@code documents} table (what
 * each submitter sees of a document) and the claim-check store {@code document_contents}; the gateway records
 * accepted submissions and stores large bodies through it before publishing, and reads stages back. Every path takes
 * {@code ?tenant=}; a document id may contain {@code /}.
 *
 * <ul>
 *   <li>{@code POST /v1/intake/contents?mediaType=&fileName=} with the bytes: 200 and a {@link StoredContent}, the
 *       reference a {@code DocumentSubmitted} carries;
 *   <li>{@code POST /v1/intake/queued} with a list of {@link Queued}: 204; each document's stage becomes
 *       {@code queued} (a new document gets a row holding what its submitter sees);
 *   <li>{@code POST /v1/intake/not-published} with a {@link NotPublished}: 204; a queued submission the broker did
 *       not take becomes {@code failed} with the reason;
 *   <li>{@code GET /v1/intake/documents/{id}}: 200 and a {@link DocumentStatus}, 404 when the tenant has no such
 *       document;
 *   <li>{@code GET /v1/intake/documents?stage=&limit=&after=}: 200 and a {@link DocumentPage}; 400 for an unknown
 *       stage, a limit outside 1..1000 or an {@code after} that is not a page's {@code next};
 *   <li>{@code POST /v1/intake/submissions} with up to 1,000 {@link Submission}s: 200 and one
 *       {@link SubmissionStatus} each, in the request's order.
 * </ul>
 *
 * Errors are {@code {"status", "detail"}}.
 */
public final class IntakeApi {

    public static final String PATH = "/v1/intake";

    /** The stages a submission goes through, in order; {@code deleted} after a delete. */
    public static final List<String> STAGES = List.of("queued", "parsing", "embedding", "indexed", "failed", "deleted");

    /** Most entries of one listing page or one submissions request. */
    public static final int MAX_PAGE = 1000;

    private IntakeApi() {}

    /** A body stored for a submission to reference. */
    public record StoredContent(String id) {}

    /** An accepted submission, recorded before its event is published (so ingest always moves the stage on after). */
    public record Queued(String documentId, String title, String source, String mediaType, long sizeBytes) {}

    /** A queued submission the broker refused. */
    public record NotPublished(String documentId, String reason) {}

    /** When the latest submission reached each stage (null: not (yet) reached). */
    public record Stages(
            Instant queued, Instant parsing, Instant embedding, Instant indexed, Instant failed, Instant deleted) {}

    /**
     * A document as its submitter sees it: {@code status} is the latest submission's stage; {@code chunkCount} and
     * {@code embeddingModel} describe what is searchable now (the previous version's chunks stay until a new one is
     * indexed).
     */
    public record DocumentStatus(
            String documentId,
            String title,
            String source,
            String status,
            String reason,
            int chunkCount,
            String embeddingModel,
            Instant updatedAt,
            Stages stages) {}

    /** One page of a listing; {@code next} is the cursor for the following page, null at the end. */
    public record DocumentPage(List<DocumentStatus> documents, String next) {}

    /** A submission to ask about: the document id and the event id the submit answered with. */
    public record Submission(String documentId, String eventId) {}

    /** Whether ingest has applied a given submission, and the document's state. */
    public record SubmissionStatus(
            String documentId, String eventId, boolean processed, String status, String reason) {}
}
