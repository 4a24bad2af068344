package io.ragline.ingest.pipeline;

import io.ragline.contracts.document.DocumentReindexRequested;
import io.ragline.ingest.config.IngestConfig;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * Rolling out a new embedding model, on the ingest deployment that writes the new index version: see what each
 * version holds, queue the re-embedding of every document an older version holds ({@code documents.reindex}, keyed
 * like submissions, shared by this deployment's instances), and drop the old version once the retriever has switched.
 * An internal operator API, like the rest of this port.
 */
@Path("/v1/index")
@Produces(MediaType.APPLICATION_JSON)
public class IndexVersionResource {

    private static final int PAGE = 500;

    @Inject
    IngestConfig config;

    @Inject
    VersionStore store;

    @Inject
    @Channel("documents-reindex-out")
    MutinyEmitter<DocumentReindexRequested> reindex;

    /** The body of {@code POST /v1/index/backfill}. */
    public record Backfill(Integer fromVersion) {}

    @GET
    @Path("/versions")
    @Blocking
    public Map<String, Object> versions() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(
                "writing",
                Map.of(
                        "indexVersion", config.indexVersion(),
                        "embeddingModel", config.embedding().modelName(),
                        "consumer", config.consumer()));
        out.put("versions", store.versions());
        return out;
    }

    @POST
    @Path("/backfill")
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking
    public Response backfill(Backfill request) throws Exception {
        int to = config.indexVersion();
        if (request == null || request.fromVersion() == null) {
            return problem(400, "a JSON body {\"fromVersion\": N} naming the index version to re-embed is required");
        }
        int from = request.fromVersion();
        if (from == to || from < 1) {
            return problem(
                    400, "fromVersion must be another index version than this deployment's " + to + ", got " + from);
        }
        long queued = 0;
        VersionStore.DocumentKey after = null;
        for (List<VersionStore.DocumentKey> page = store.missingFromThisVersion(from, null, PAGE);
                !page.isEmpty();
                page = store.missingFromThisVersion(from, after, PAGE)) {
            List<CompletableFuture<Void>> sends = new ArrayList<>(page.size());
            for (VersionStore.DocumentKey key : page) {
                DocumentReindexRequested event = DocumentReindexRequested.of(key.tenant(), key.documentId(), from, to);
                sends.add(Outcomes.send(reindex, event, event.partitionKey()));
            }
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            queued += page.size();
            after = page.get(page.size() - 1);
        }
        return Response.accepted(Map.of("fromVersion", from, "toVersion", to, "queued", queued))
                .build();
    }

    @DELETE
    @Path("/versions/{version}")
    @Blocking
    public Response drop(@PathParam("version") int version) {
        if (version == config.indexVersion()) {
            return problem(
                    409,
                    "index version " + version + " is the one this deployment writes; drop it from the"
                            + " deployment that writes the version replacing it");
        }
        long documents = 0;
        for (int n = store.dropVersionPage(version, PAGE); n > 0; n = store.dropVersionPage(version, PAGE)) {
            documents += n;
        }
        long unrecorded = 0;
        for (int n = store.dropUnrecordedChunks(version, 10 * PAGE);
                n > 0;
                n = store.dropUnrecordedChunks(version, 10 * PAGE)) {
            unrecorded += n;
        }
        return Response.ok(Map.of(
                        "indexVersion", version, "documentsDropped", documents, "unrecordedChunksDropped", unrecorded))
                .build();
    }

    private static Response problem(int status, String detail) {
        return Response.status(status)
                .type("application/problem+json")
                .entity(Map.of("status", status, "detail", detail))
                .build();
    }
}
