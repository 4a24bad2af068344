package io.ragline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragline.runtime.Migrations;
import io.ragline.runtime.Ports;
import io.ragline.runtime.PostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The services' own migrations against the single migration list they replace (kept in this module's test resources,
 * {@code legacy-schema}): a database made by the old list converts to the per-service schemas, keeping its rows, and
 * ends with the same tables, columns, indexes, constraints, triggers and functions as a fresh database migrated by
 * the services' migrations.
 */
class SchemaConversionIT {

    @TempDir
    Path dir;

    @Test
    void aSingleSchemaDatabaseConvertsToTheServicesSchemasAndMatchesAFreshOne() throws Exception {
        Map<String, List<String>> converted;
        try (PostgresServer legacy = start("legacy");
                Connection c = connect(legacy.jdbcUrl())) {
            applyLegacyMigrations(c);
            try (Statement st = c.createStatement()) {
                st.execute("INSERT INTO event_outbox (event_id, topic, partition_key, payload) VALUES"
                        + " ('a-1', 'answers.produced', 'acme', '{}'), ('r-1', 'research.completed', 'acme', '{}')");
                st.execute("INSERT INTO documents (tenant, id, media_type, content_hash, status, version_at)"
                        + " VALUES ('acme', 'd-1', 'text/plain', 'h', 'indexed', now())");
            }

            assertThat(migrate(legacy.jdbcUrl())).isZero();

            assertThat(column(c, "SELECT event_id FROM gateway_outbox")).containsExactly("a-1");
            assertThat(column(c, "SELECT event_id FROM agents_outbox")).containsExactly("r-1");
            assertThat(column(c, "SELECT id FROM documents")).containsExactly("d-1");
            assertThat(column(c, "SELECT to_regclass('schema_migrations') IS NULL"))
                    .containsExactly("t");
            for (String owner : Migrations.OWNERS) {
                assertThat(column(c, "SELECT version FROM " + owner + "_schema_history WHERE success"))
                        .as(owner + "'s history starts at its version 1")
                        .containsExactly("1");
            }
            converted = catalog(c);
            assertThat(migrate(legacy.jdbcUrl()))
                    .as("a second run has nothing to do")
                    .isZero();
        }

        try (PostgresServer fresh = start("fresh");
                Connection c = connect(fresh.jdbcUrl())) {
            assertThat(migrate(fresh.jdbcUrl())).isEqualTo(Migrations.OWNERS.size());
            Map<String, List<String>> created = catalog(c);
            for (String part : created.keySet()) {
                assertThat(converted.get(part)).as(part).containsExactlyElementsOf(created.get(part));
            }
            assertThat(created.get("columns")).hasSizeGreaterThan(150);
        }
    }

    private PostgresServer start(String name) {
        return PostgresServer.start(
                new PostgresServer.Settings(
                        "127.0.0.1",
                        Ports.freePort(),
                        dir.resolve(name + "/data"),
                        dir.resolve(name + "/run"),
                        dir.resolve(name + "/log"),
                        8),
                Duration.ofSeconds(90));
    }

    private static int migrate(String jdbcUrl) {
        return Migrations.migrate(jdbcUrl, PostgresServer.USER, PostgresServer.PASSWORD);
    }

    /** The old runner's effect: every listed file applied in order, each recorded in {@code schema_migrations}. */
    private static void applyLegacyMigrations(Connection c) throws IOException, SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE schema_migrations (version integer PRIMARY KEY, description text NOT NULL,"
                    + " checksum text NOT NULL, installed_at timestamptz NOT NULL DEFAULT now())");
            int version = 0;
            for (String name : read("legacy-schema/migrations.txt").lines().toList()) {
                if (name.isBlank() || name.startsWith("#")) {
                    continue;
                }
                st.execute(read("legacy-schema/" + name));
                version++;
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO schema_migrations (version, description, checksum) VALUES (?, ?, 'x')")) {
                    ps.setInt(1, version);
                    ps.setString(2, name);
                    ps.executeUpdate();
                }
            }
            assertThat(version).isEqualTo(18);
        }
    }

    /** What makes up the schema, by part, each sorted; the migration tools' own tables left out. */
    private static Map<String, List<String>> catalog(Connection c) throws SQLException {
        String notHistory = " NOT LIKE '%schema_history%'";
        Map<String, List<String>> parts = new TreeMap<>();
        parts.put(
                "columns",
                column(
                        c,
                        "SELECT table_name || '.' || ordinal_position || ' ' || column_name || ' ' || data_type || ' '"
                                + " || is_nullable || ' ' || coalesce(column_default, '') || ' '"
                                + " || coalesce(generation_expression, '') FROM information_schema.columns"
                                + " WHERE table_schema = 'public' AND table_name" + notHistory + " ORDER BY 1"));
        parts.put(
                "indexes",
                column(
                        c,
                        "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename" + notHistory
                                + " ORDER BY 1"));
        parts.put(
                "constraints",
                column(
                        c,
                        "SELECT conrelid::regclass || ' ' || contype::text || ' ' || pg_get_constraintdef(oid)"
                                + " FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype <> 'n'"
                                + " AND conrelid::regclass::text" + notHistory + " ORDER BY 1"));
        parts.put(
                "triggers",
                column(c, "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1"));
        parts.put(
                "functions",
                column(
                        c,
                        "SELECT proname || ' ' || md5(prosrc) FROM pg_proc"
                                + " WHERE pronamespace = 'public'::regnamespace AND proname LIKE 'ragline%' ORDER BY 1"));
        return parts;
    }

    private static List<String> column(Connection c, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = SchemaConversionIT.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, PostgresServer.USER, PostgresServer.PASSWORD);
    }
}
