package io.ragline.retriever.search;

import io.ragline.retriever.api.ChunksApi;
import io.ragline.retriever.api.SearchApi;
import io.ragline.retriever.config.RetrieverConfig;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Indexed text for the other services ({@link ChunksApi}): the gateway's explainer rebuilds a document from its chunks,
 * the judge reads the passages an answer cites and records what the index held. Ingest writes the index; the retriever
 * is the one service that reads it.
 */
@Path("/v1")
@Blocking
@Produces(MediaType.APPLICATION_JSON)
public class ChunksResource {

    @Inject
    ChunkIndex index;

    @Inject
    RetrieverConfig config;

    @POST
    @Path("/chunks")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "The tenant's chunks among the given ids (unknown ids left out)")
    public ChunksApi.Chunks chunks(@HeaderParam(SearchApi.TENANT_HEADER) String tenant, ChunksApi.Lookup lookup)
            throws SQLException {
        if (lookup == null || lookup.ids() == null) {
            throw new InvalidSearchException("ids is required");
        }
        if (lookup.ids().size() > ChunksApi.MAX_IDS) {
            throw new InvalidSearchException(
                    "at most " + ChunksApi.MAX_IDS + " ids, got " + lookup.ids().size());
        }
        return new ChunksApi.Chunks(index.chunks(tenant(tenant), List.copyOf(lookup.ids())));
    }

    @GET
    @Path("/documents/{id}/chunks")
    @Operation(summary = "A document's chunks of the serving index version, in order; 404 when it has none")
    public Response documentChunks(@HeaderParam(SearchApi.TENANT_HEADER) String tenant, @PathParam("id") String id)
            throws SQLException {
        List<ChunksApi.Chunk> chunks = index.documentChunks(tenant(tenant), id);
        if (chunks.isEmpty()) {
            return Response.status(404)
                    .type("application/problem+json")
                    .entity(new ProblemMapper.Problem(
                            404, "Not Found", "document '" + id + "' is not indexed (or does not exist)"))
                    .build();
        }
        return Response.ok(new ChunksApi.Chunks(chunks)).build();
    }

    @GET
    @Path("/index")
    @Operation(summary = "The index versions, embedding models and number of chunks of the tenant's index")
    public ChunksApi.IndexSummary summary(@HeaderParam(SearchApi.TENANT_HEADER) String tenant) throws SQLException {
        return index.summary(tenant(tenant));
    }

    private String tenant(String header) {
        return SearchResource.tenant(header, config);
    }
}
