package io.ragline.gateway.access;

import io.ragline.gateway.config.GatewayConfig;
import io.ragline.gateway.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The check of every {@code /admin} request: the bearer must be the admin token ({@code gateway.access.admin-token});
 * no token configured, the admin API is off (403); an API key is never an admin token (403).
 */
@ApplicationScoped
public class AdminToken {

    @Inject
    GatewayConfig config;

    public void require(String authorization) {
        String token = config.access().adminToken().orElse("");
        if (token.isBlank()) {
            throw new ProblemException(403, "the admin API is off: set gateway.access.admin-token");
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ProblemException(401, "the admin token is required: send 'Authorization: Bearer <admin token>'");
        }
        String presented = authorization.substring(7).strip();
        if (presented.startsWith(ApiKeys.PREFIX)) {
            throw new ProblemException(403, "API keys cannot use the admin API: use the admin token");
        }
        if (!MessageDigest.isEqual(
                presented.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
            throw new ProblemException(401, "wrong admin token");
        }
    }
}
