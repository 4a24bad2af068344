package io.ragline.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The embedded default database: a real PostgreSQL 18 with pgvector, compiled to WASM (PGlite) and served over the
 * PostgreSQL wire protocol by a Node.js child process. Everything above this class speaks plain JDBC, so any
 * PostgreSQL with pgvector can replace it by configuration.
 *
 * <p>The npm packages are pinned by deploy/pglite/package-lock.json and installed with {@code npm ci} on first use.
 */
public final class PostgresServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PostgresServer.class);
    public static final String PROCESS_NAME = "postgres";
    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";

    /**
     * Where and how to run the database.
     *
     * @param dataDir the data folder; {@code null} keeps the database in memory (tests)
     * @param maxConnections concurrent connections the server accepts; at least the services' pool sizes added up
     */
    public record Settings(String host, int port, Path dataDir, Path runDir, Path logDir, int maxConnections) {}

    private final Settings settings;
    private final ChildProcess process;

    private PostgresServer(Settings settings, ChildProcess process) {
        this.settings = settings;
        this.process = process;
    }

    public static PostgresServer start(Settings settings, Duration timeout) {
        Path pglite = Home.locate().resolve("deploy/pglite");
        installPackages(pglite);
        List<String> command = new ArrayList<>(List.of(
                "node",
                // the marker identifies the process as ours if a crashed run leaves its pid file behind
                "--title=" + ChildProcess.marker(PROCESS_NAME),
                // PGlite's server, holding each connection's protocol exchange together (see server.mjs)
                "server.mjs",
                "--host=" + settings.host(),
                "--port=" + settings.port(),
                "--extensions=@electric-sql/pglite-pgvector:vector",
                "--max-connections=" + settings.maxConnections()));
        if (settings.dataDir() != null) {
            prepareDataDir(settings.dataDir());
            command.add("--db=" + settings.dataDir());
        }
        ChildProcess process =
                ChildProcess.start(PROCESS_NAME, command, Map.of(), pglite, settings.runDir(), settings.logDir());
        PostgresServer server = new PostgresServer(settings, process);
        server.awaitReady(timeout);
        return server;
    }

    public String jdbcUrl() {
        return jdbcUrl(settings.host(), settings.port());
    }

    /**
     * The JDBC URL of a PGlite server. {@code prepareThreshold=0} because all its connections share one backend
     * session (named server-side statements would collide); batched inserts are rewritten for throughput.
     */
    public static String jdbcUrl(String host, int port) {
        return "jdbc:postgresql://" + host + ":" + port
                + "/postgres?sslmode=disable&prepareThreshold=0&reWriteBatchedInserts=true";
    }

    /**
     * Settings the services need on PGlite and on no other PostgreSQL (configuration property → value), passed by
     * whatever starts services against it: the launcher, as environment variables, and the test resource. The
     * retriever keeps its search statements' plans in session functions: with {@code prepareThreshold=0} nothing else
     * keeps them (docs/BENCHMARKS.md, "plans kept per database session").
     */
    public static final Map<String, String> SERVICE_SETTINGS = Map.of("retriever.search.session-plans", "true");

    /** {@link #SERVICE_SETTINGS} as environment variables (MicroProfile Config's mapping of property names). */
    public static Map<String, String> serviceEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        SERVICE_SETTINGS.forEach((k, v) -> env.put(k.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_"), v));
        return env;
    }

    public long pid() {
        return process.pid();
    }

    public ChildProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(15));
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("password", PASSWORD);
        props.setProperty("connectTimeout", "2");
        props.setProperty("socketTimeout", "10");
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("PostgreSQL (PGlite) exited during start-up; its log ("
                        + process.logFile() + ") ends with:\n" + process.logTail(30));
            }
            if (Ports.isListening(settings.host(), settings.port())) {
                try (Connection connection = DriverManager.getConnection(jdbcUrl(), props)) {
                    connection.createStatement().execute("select 1");
                    LOG.infof("PostgreSQL ready on %s:%d (pid %d)", settings.host(), settings.port(), process.pid());
                    return;
                } catch (SQLException e) {
                    LOG.debugf("PostgreSQL not ready yet: %s", e.getMessage());
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        process.stop(Duration.ofSeconds(5));
        throw new IllegalStateException("PostgreSQL (PGlite) did not become ready within " + timeout.toSeconds()
                + " s; log (" + process.logFile() + ") ends with:\n" + process.logTail(30));
    }

    /**
     * A data folder that exists but never finished initialising (no PG_VERSION: the first start was killed) is moved
     * aside rather than handed to the server, which would fail on it. A complete folder is used as it is.
     */
    static void prepareDataDir(Path dataDir) {
        try {
            if (Files.isDirectory(dataDir) && !Files.exists(dataDir.resolve("PG_VERSION"))) {
                try (var entries = Files.list(dataDir)) {
                    if (entries.findAny().isPresent()) {
                        Path aside = dataDir.resolveSibling(dataDir.getFileName() + ".incomplete-"
                                + Instant.now().getEpochSecond());
                        LOG.warnf("%s was never fully initialised; moving it to %s", dataDir, aside);
                        Files.move(dataDir, aside, StandardCopyOption.ATOMIC_MOVE);
                    }
                }
            }
            if (dataDir.getParent() != null) {
                Files.createDirectories(dataDir.getParent());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code npm ci} in deploy/pglite when its packages are not installed yet. */
    static synchronized void installPackages(Path pglite) {
        if (Files.isDirectory(pglite.resolve("node_modules/@electric-sql/pglite-socket"))) {
            return;
        }
        LOG.infof("installing PGlite (npm ci in %s)", pglite);
        try {
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
                    .directory(pglite.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .start();
            if (!npm.waitFor(5, TimeUnit.MINUTES)) {
                npm.destroyForcibly();
                throw new IllegalStateException("npm ci in " + pglite + " took more than 5 minutes");
            }
            if (npm.exitValue() != 0) {
                throw new IllegalStateException("npm ci in " + pglite + " failed with exit code " + npm.exitValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run npm (Node.js 20 is required): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing PGlite", e);
        }
    }
}
