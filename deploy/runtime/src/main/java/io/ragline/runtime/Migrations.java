package io.ragline.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jboss.logging.Logger;

/**
 * Applies each table-owning service's schema migrations, with Flyway, to any PostgreSQL with pgvector. Run once per
 * deployment (the launcher, a Kubernetes Job, a test resource), never by each service replica.
 *
 * <p>Each service keeps its migrations with its code, in {@code db/<service>/V<n>__<description>.sql} of its jar, and
 * has its own history table ({@code <service>_schema_history}): services share one database (and one schema, so that
 * a connection's search path never matters) but never a table. The services are migrated in {@link #OWNERS} order;
 * none references another's tables. Only the owners whose migrations are on the given class path are migrated (a
 * service's tests migrate what they have).
 *
 * <p>Settings that let Flyway run on a server whose connections share one session (the embedded PGlite): the
 * PostgreSQL lock is a session advisory lock, not one held in a transaction, so the connection that holds the lock is
 * never in a transaction while Flyway's other connection migrates.
 *
 * <p>A database made by ragline's earlier single migration list ({@code schema_migrations} at its last version, 18)
 * is converted once: the shared outbox is split between its two owners (see {@code legacy-owners.sql}) and each
 * owner's history starts at its version 1, which describes that same schema.
 */
public final class Migrations {

    private static final Logger LOG = Logger.getLogger(Migrations.class);

    /** The services that own tables, in the order their migrations are applied. */
    public static final List<String> OWNERS = List.of("ingest", "gateway", "agents", "judge");

    private static final int LEGACY_LAST_VERSION = 18;
    private static final String LEGACY_UPGRADE = "io/ragline/runtime/legacy-owners.sql";

    private Migrations() {}

    /**
     * Migrates every owner whose migrations are on this class's class path to its latest version; returns the number
     * of migrations applied now.
     */
    public static int migrate(String jdbcUrl, String user, String password) {
        return migrate(jdbcUrl, user, password, Migrations.class.getClassLoader());
    }

    /** As {@link #migrate(String, String, String)}, finding the migrations through {@code loader}. */
    public static int migrate(String jdbcUrl, String user, String password, ClassLoader loader) {
        return migrate(jdbcUrl, user, password, loader, present(loader, OWNERS));
    }

    static int migrate(String jdbcUrl, String user, String password, ClassLoader loader, List<String> owners) {
        convertLegacy(jdbcUrl, user, password, loader, owners);
        int applied = 0;
        for (String owner : owners) {
            try {
                var result = flyway(jdbcUrl, user, password, loader, owner, "0").migrate();
                applied += result.migrationsExecuted;
                LOG.infof(
                        "%s schema at version %s (%d migration(s) applied now)",
                        owner,
                        result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion,
                        result.migrationsExecuted);
            } catch (FlywayException e) {
                throw new IllegalStateException(
                        "cannot migrate the " + owner + " schema on " + jdbcUrl + ": " + firstLine(e.getMessage()), e);
            }
        }
        return applied;
    }

    private static Flyway flyway(
            String jdbcUrl, String user, String password, ClassLoader loader, String owner, String baseline) {
        return Flyway.configure(loader)
                .dataSource(jdbcUrl, user, password)
                .locations("classpath:db/" + owner)
                .table(owner + "_schema_history")
                // the schema holds the other owners' tables: an owner's first run starts its own history there
                .baselineOnMigrate(true)
                .baselineVersion(baseline)
                // dollar-quoted PL/pgSQL bodies are SQL, not templates
                .placeholderReplacement(false)
                .configuration(Map.of("flyway.postgresql.transactional.lock", "false"))
                .load();
    }

    /** The owners whose migration folder {@code loader} has. */
    static List<String> present(ClassLoader loader, List<String> owners) {
        List<String> present = new ArrayList<>();
        for (String owner : owners) {
            if (loader.getResource("db/" + owner) != null) {
                present.add(owner);
            }
        }
        return present;
    }

    /**
     * Converts a database of the earlier single migration list ({@code schema_migrations}), resumably: the shared
     * tables are split once (before any owner has a history), each owner's history is started at its version 1 (which
     * describes the same tables), and the old list is dropped last.
     */
    private static void convertLegacy(
            String jdbcUrl, String user, String password, ClassLoader loader, List<String> owners) {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        try (Connection c = DriverManager.getConnection(jdbcUrl, props);
                Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT to_regclass('schema_migrations') IS NOT NULL")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return;
                }
            }
            int legacyVersion;
            try (ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM schema_migrations")) {
                rs.next();
                legacyVersion = rs.getInt(1);
            }
            if (legacyVersion != LEGACY_LAST_VERSION || !owners.equals(OWNERS)) {
                throw new IllegalStateException("the database has ragline's single-schema migrations at version "
                        + legacyVersion + ": convert it with every service's migrations (./ragline migrate), from"
                        + " version " + LEGACY_LAST_VERSION);
            }
            List<String> started = new ArrayList<>();
            for (String owner : owners) {
                try (ResultSet rs = st.executeQuery("SELECT to_regclass('" + owner + "_schema_history') IS NOT NULL")) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        started.add(owner);
                    }
                }
            }
            if (started.isEmpty()) {
                c.setAutoCommit(false);
                st.execute(read(LEGACY_UPGRADE));
                c.commit();
                c.setAutoCommit(true);
            }
            for (String owner : owners) {
                if (!started.contains(owner)) {
                    flyway(jdbcUrl, user, password, loader, owner, "1").baseline();
                }
            }
            st.execute("DROP TABLE schema_migrations");
            LOG.info("converted the single-schema database (version 18) to per-service schemas");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot convert the schema of " + jdbcUrl + ": " + e.getMessage(), e);
        }
    }

    private static String read(String resource) {
        try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        return message.strip().lines().filter(l -> !l.isBlank()).findFirst().orElse(message);
    }
}
