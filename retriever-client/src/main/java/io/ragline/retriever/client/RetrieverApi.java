package io.ragline.retriever.client;

import io.ragline.retriever.api.ChunksApi;
import io.ragline.retriever.api.SearchApi;
import io.ragline.retriever.api.SearchRequest;
import io.ragline.retriever.api.SearchResponse;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The retriever's HTTP API as a Quarkus REST Client interface, on the records the retriever's resources read and write.
 * Callers use it through {@link RetrieverClient}, which adds the retry, the timeouts and the error mapping; the
 * interface is indexed (this jar's {@code META-INF/beans.xml}) so that each service's build generates its client.
 */
@Produces(MediaType.APPLICATION_JSON)
public interface RetrieverApi {

    @POST
    @Path(SearchApi.PATH)
    @Consumes(MediaType.APPLICATION_JSON)
    SearchResponse search(@HeaderParam(SearchApi.TENANT_HEADER) String tenant, SearchRequest request);

    @POST
    @Path(ChunksApi.CHUNKS_PATH)
    @Consumes(MediaType.APPLICATION_JSON)
    ChunksApi.Chunks chunks(@HeaderParam(SearchApi.TENANT_HEADER) String tenant, ChunksApi.Lookup lookup);

    /** A 404 when the document has no chunks in the serving index version. */
    @GET
    @Path(ChunksApi.DOCUMENT_CHUNKS_PATH)
    ChunksApi.Chunks documentChunks(@HeaderParam(SearchApi.TENANT_HEADER) String tenant, @PathParam("id") String id);

    @GET
    @Path(ChunksApi.INDEX_PATH)
    ChunksApi.IndexSummary index(@HeaderParam(SearchApi.TENANT_HEADER) String tenant);
}
