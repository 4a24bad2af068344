package io.ragline.agents.config;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jdbi.v3.core.Jdbi;

/**
 * The agents' SQL runs through Jdbi on the Quarkus data source: named parameters instead of positional ones kept in line
 * with a bind chain by hand; connections, pooling and transactions stay Agroal's.
 */
public class JdbiProducer {

    @Produces
    @Singleton
    Jdbi jdbi(AgroalDataSource dataSource) {
        return Jdbi.create(dataSource);
    }
}
