package io.ragline.gateway.access;

import io.ragline.gateway.config.GatewayConfig;
import io.ragline.gateway.problem.ProblemException;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Creating, listing and revoking API keys, with the admin token ({@code gateway.access.admin-token}) as bearer. No
 * token configured: the admin API is off (403).
 */
@Path("/admin/api-keys")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    /** {@code POST /admin/api-keys}; limits default from configuration. */
    public record CreateKey(String tenant, String name, Integer ratePerMinute, Long dailyTokens) {}

    @Inject
    ApiKeys keys;

    @Inject
    GatewayConfig config;

    @Inject
    AdminToken adminToken;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an API key for a tenant; the key is in this answer only")
    public Response create(@HeaderParam("Authorization") String authorization, CreateKey request) {
        admin(authorization);
        if (request == null || blank(request.tenant()) || blank(request.name())) {
            throw new ProblemException(400, "tenant and name are required");
        }
        if (!request.tenant().matches("[A-Za-z0-9._-]{1,64}")) {
            throw new ProblemException(400, "tenant must be 1-64 letters, digits, '.', '_' or '-'");
        }
        int rate = request.ratePerMinute() == null ? config.access().ratePerMinute() : request.ratePerMinute();
        long daily = request.dailyTokens() == null ? config.access().dailyTokens() : request.dailyTokens();
        if (rate < 1 || daily < 0) {
            throw new ProblemException(
                    400, "ratePerMinute must be at least 1 and dailyTokens at least 0 (0: no budget)");
        }
        return Response.status(201)
                .entity(keys.create(request.tenant(), request.name().strip(), rate, daily))
                .build();
    }

    @GET
    @Operation(summary = "API keys, of one tenant or all, with today's token use")
    public List<ApiKeys.KeyInfo> list(
            @HeaderParam("Authorization") String authorization, @QueryParam("tenant") String tenant) {
        admin(authorization);
        return keys.list(blank(tenant) ? null : tenant);
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Revoke an API key; requests with it are refused from now on")
    public Response revoke(@HeaderParam("Authorization") String authorization, @PathParam("id") String id) {
        admin(authorization);
        if (!keys.revoke(id)) {
            throw new ProblemException(404, "API key '" + id + "' does not exist");
        }
        return Response.noContent().build();
    }

    private void admin(String authorization) {
        adminToken.require(authorization);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
