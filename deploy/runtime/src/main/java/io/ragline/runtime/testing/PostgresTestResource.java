package io.ragline.runtime.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.ragline.runtime.PostgresServer;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at the real, migrated PostgreSQL with pgvector of {@link TestInfrastructure}.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        PostgresServer postgres = TestInfrastructure.postgres();
        return Map.of(
                "quarkus.datasource.jdbc.url", postgres.jdbcUrl(),
                "quarkus.datasource.username", PostgresServer.USER,
                "quarkus.datasource.password", PostgresServer.PASSWORD);
    }

    @Override
    public void stop() {
        // shared by the whole test JVM; stopped when it exits
    }
}
