package io.ragline.retriever.search;

import io.ragline.retriever.api.SearchApi;
import io.ragline.retriever.api.SearchRequest;
import io.ragline.retriever.api.SearchResponse;
import io.ragline.retriever.config.RetrieverConfig;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** {@code POST /v1/search}: hybrid, vector or keyword search over one tenant's chunks. */
@Path(SearchApi.PATH)
public class SearchResource {

    /** Header carrying the tenant the gateway authenticated; the retriever is an internal service. */
    public static final String TENANT_HEADER = SearchApi.TENANT_HEADER;

    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    @Inject
    SearchService service;

    @Inject
    RetrieverConfig config;

    @POST
    @Blocking
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Search chunks",
            description = "Ranks one tenant's chunks by vector similarity, BM25 or both fused; returns text, scores,"
                    + " offsets and heading paths for citations.")
    public SearchResponse search(
            @Parameter(description = "tenant set by the gateway after authentication") @HeaderParam(TENANT_HEADER)
                    String tenant,
            SearchRequest request)
            throws SQLException {
        return service.search(tenant(tenant, config), request);
    }

    /** The tenant a request names in {@link #TENANT_HEADER} (the default tenant when it names none), checked. */
    static String tenant(String header, RetrieverConfig config) {
        String t = header == null || header.isBlank() ? config.defaultTenant() : header.strip();
        if (!TENANT.matcher(t).matches()) {
            throw new InvalidSearchException(TENANT_HEADER + " must be 1-64 letters, digits or . _ -");
        }
        return t;
    }
}
