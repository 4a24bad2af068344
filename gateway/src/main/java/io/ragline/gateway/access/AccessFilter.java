package io.ragline.gateway.access;

import io.ragline.gateway.config.GatewayConfig;
import io.ragline.gateway.problem.ProblemMapper;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Resolves the caller of every {@code /v1/} request from its API key ({@code Authorization: Bearer rl_...} or
 * {@code X-Api-Key}) and enforces the key's per-minute rate and daily token budget: 401 for a missing (when keys are
 * required), unknown or revoked key, 429 with {@code Retry-After} beyond a limit. With keys not required, a request
 * without a key, or with a key ragline does not know (OpenAI clients always send one), runs as the default tenant.
 */
public class AccessFilter {

    @Inject
    ApiKeys keys;

    @Inject
    Caller caller;

    /** Looked up per request: filters are built before runtime configuration exists. */
    @Inject
    Provider<GatewayConfig> config;

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Response authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/v1/")) {
            return null; // health, metrics, OpenAPI, the web page; /admin and /webhooks check their own credentials
        }
        Optional<String> key = presented(request);
        if (key.isEmpty()) {
            if (config.get().access().required()) {
                return refuse(401, "an API key is required: send 'Authorization: Bearer <key>'", 0);
            }
            caller.set(config.get().defaultTenant(), null);
            return null;
        }
        Optional<ApiKeys.Check> check = keys.check(key.get());
        if (check.isEmpty()) {
            if (!config.get().access().required()) {
                // an open gateway: OpenAI clients insist on sending some key; it grants nothing beyond the default
                caller.set(config.get().defaultTenant(), null);
                return null;
            }
            return refuse(401, "unknown API key", 0);
        }
        ApiKeys.Check c = check.get();
        if (c.revoked()) {
            return refuse(401, "API key " + c.id() + " was revoked", 0);
        }
        if (c.requestsThisMinute() > c.ratePerMinute()) {
            return refuse(
                    429,
                    "rate limit of " + c.ratePerMinute() + " requests per minute reached for key " + c.id(),
                    c.secondsToNextMinute());
        }
        if (c.dailyTokens() > 0 && c.tokensToday() >= c.dailyTokens()) {
            return refuse(
                    429,
                    "daily budget of " + c.dailyTokens() + " tokens spent for key " + c.id() + " (resets 00:00 UTC)",
                    c.secondsToNextDay());
        }
        caller.set(c.tenant(), c.id());
        return null;
    }

    static Optional<String> presented(ContainerRequestContext request) {
        String authorization = request.getHeaderString("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authorization.substring(7).strip();
            return token.isEmpty() ? Optional.empty() : Optional.of(token);
        }
        String header = request.getHeaderString("X-Api-Key");
        return header == null || header.isBlank() ? Optional.empty() : Optional.of(header.strip());
    }

    private static Response refuse(int status, String detail, long retryAfter) {
        Response.ResponseBuilder r = ProblemMapper.problem(status, detail);
        if (status == 401) {
            r.header("WWW-Authenticate", "Bearer realm=\"ragline\"");
        }
        if (retryAfter > 0) {
            r.header("Retry-After", retryAfter);
        }
        return r.build();
    }
}
