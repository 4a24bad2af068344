package io.ragline.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Applies ragline's versioned schema migrations to any PostgreSQL with pgvector. Run once per deployment (the launcher,
 * a Kubernetes Job, or a test resource), never by each service replica.
 *
 * <p>The migrations are {@code db/migration/V<n>__<description>.sql}, listed in order in {@code db/migrations.txt}.
 * Each is applied in its own transaction and recorded with a checksum in {@code schema_migrations}; an applied file
 * that changed afterwards stops the run. Everything happens on ONE connection, holding a session advisory lock so that
 * concurrent runs take turns. (Flyway opens a second connection while its first holds a transaction, which deadlocks on
 * a server whose connections share one session, as PGlite's do.)
 */
public final class Migrations {

    private static final Logger LOG = Logger.getLogger(Migrations.class);
    private static final String INDEX = "db/migrations.txt";
    private static final Pattern NAME = Pattern.compile("V(\\d+)__(\\w+)\\.sql");
    private static final long LOCK_KEY = 0x7261676c696e65L; // "ragline"

    /** One migration file. */
    record Migration(int version, String description, String sql, String checksum) {}

    private Migrations() {}

    /** Migrates the database to the latest version; returns the number of migrations applied now. */
    public static int migrate(String jdbcUrl, String user, String password) {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        try (Connection connection = DriverManager.getConnection(jdbcUrl, props)) {
            return migrate(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot migrate " + jdbcUrl + ": " + e.getMessage(), e);
        }
    }

    static int migrate(Connection connection) throws SQLException {
        List<Migration> migrations = load();
        try (Statement st = connection.createStatement()) {
            st.execute("SELECT pg_advisory_lock(" + LOCK_KEY + ")");
        }
        try {
            connection.setAutoCommit(true);
            try (Statement st = connection.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                        + " version integer PRIMARY KEY, description text NOT NULL, checksum text NOT NULL,"
                        + " installed_at timestamptz NOT NULL DEFAULT now())");
            }
            Map<Integer, String> applied = new HashMap<>();
            try (Statement st = connection.createStatement();
                    ResultSet rs = st.executeQuery("SELECT version, checksum FROM schema_migrations")) {
                while (rs.next()) {
                    applied.put(rs.getInt(1), rs.getString(2));
                }
            }
            int count = 0;
            for (Migration m : migrations) {
                String checksum = applied.get(m.version());
                if (checksum != null) {
                    if (!checksum.equals(m.checksum())) {
                        throw new IllegalStateException("migration V" + m.version() + " (" + m.description()
                                + ") changed after it was applied: add a new migration instead of editing it");
                    }
                    continue;
                }
                apply(connection, m);
                count++;
            }
            int latest = migrations.isEmpty()
                    ? 0
                    : migrations.get(migrations.size() - 1).version();
            LOG.infof("database schema at version %d (%d migration(s) applied now)", latest, count);
            return count;
        } finally {
            connection.setAutoCommit(true);
            try (Statement st = connection.createStatement()) {
                st.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
            }
        }
    }

    private static void apply(Connection connection, Migration m) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement st = connection.createStatement();
                PreparedStatement record = connection.prepareStatement(
                        "INSERT INTO schema_migrations (version, description, checksum) VALUES (?, ?, ?)")) {
            st.execute(m.sql());
            record.setInt(1, m.version());
            record.setString(2, m.description());
            record.setString(3, m.checksum());
            record.executeUpdate();
            connection.commit();
            LOG.infof("applied migration V%d %s", m.version(), m.description());
        } catch (SQLException e) {
            connection.rollback();
            throw new SQLException(
                    "migration V" + m.version() + " (" + m.description() + ") failed: " + e.getMessage(), e);
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** The migrations listed in the index, in version order, checked for gaps and duplicates. */
    static List<Migration> load() {
        List<Migration> migrations = new ArrayList<>();
        for (String name : read(INDEX)
                .lines()
                .map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList()) {
            Matcher matcher = NAME.matcher(name);
            if (!matcher.matches()) {
                throw new IllegalStateException(INDEX + " lists '" + name + "', not a V<n>__<description>.sql name");
            }
            int version = Integer.parseInt(matcher.group(1));
            if (version != migrations.size() + 1) {
                throw new IllegalStateException(INDEX + " must list V1, V2, ... in order; found V" + version
                        + " at position " + (migrations.size() + 1));
            }
            String sql = read("db/migration/" + name);
            migrations.add(new Migration(version, matcher.group(2).replace('_', ' '), sql, sha256(sql)));
        }
        return migrations;
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

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
