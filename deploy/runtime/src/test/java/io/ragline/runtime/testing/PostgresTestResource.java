package io.ragline.runtime.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.ragline.runtime.PostgresServer;
import java.util.HashMap;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at the real, migrated PostgreSQL with pgvector of {@link TestInfrastructure} (the
 * embedded PGlite), with the settings services need there, as the launcher passes them.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        PostgresServer postgres = TestInfrastructure.postgres();
        Map<String, String> config = new HashMap<>(PostgresServer.SERVICE_SETTINGS);
        config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl());
        config.put("quarkus.datasource.username", PostgresServer.USER);
        config.put("quarkus.datasource.password", PostgresServer.PASSWORD);
        return config;
    }

    @Override
    public void stop() {
        // shared by the whole test JVM; stopped when it exits
    }
}
