package io.ragline.gateway.access;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Turns on API keys and the admin API. */
public class RequireKeys implements QuarkusTestResourceLifecycleManager {

    static final String ADMIN = "test-admin-token";

    @Override
    public Map<String, String> start() {
        return Map.of("gateway.access.required", "true", "gateway.access.admin-token", ADMIN);
    }

    @Override
    public void stop() {}
}
