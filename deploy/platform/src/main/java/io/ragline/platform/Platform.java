package io.ragline.platform;

import io.ragline.runtime.ChildProcess;
import io.ragline.runtime.KafkaBroker;
import io.ragline.runtime.Migrations;
import io.ragline.runtime.Ports;
import io.ragline.runtime.PostgresServer;
import io.ragline.runtime.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The whole platform on one machine: the broker and the database (unless existing ones are configured), the schema
 * and the topics, then the five services as child processes, each waited for until its readiness is UP. {@link #stop()}
 * stops everything it started, services first.
 */
public final class Platform implements AutoCloseable {

    private final Settings settings;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private KafkaBroker kafka;
    private PostgresServer postgres;
    private String bootstrap;
    private String jdbcUrl;
    private final Map<String, ChildProcess> services = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> extraEnv = new ConcurrentHashMap<>();
    private final Map<String, Integer> extraPorts = new ConcurrentHashMap<>();
    private final Map<String, String> instanceOf = new ConcurrentHashMap<>();
    private ScheduledExecutorService analyzer;
    private final Map<String, Duration> readyAfter = new ConcurrentHashMap<>();
    private final Map<String, Duration> infrastructureReadyAfter = new ConcurrentHashMap<>();
    private volatile boolean stopped;

    private List<String> enabled = Settings.SERVICES;

    public Platform(Settings settings) {
        this.settings = settings;
    }

    /** Sets an environment variable of one service (configuration override), before {@link #start}. */
    public Platform withEnv(String service, String name, String value) {
        extraEnv.computeIfAbsent(service, s -> new LinkedHashMap<>()).put(name, value);
        return this;
    }

    /**
     * Starts only the named services (with the broker and the database), before {@link #start}: a benchmark of one
     * path runs without the services that are not on it. All of them by default.
     */
    public Platform only(String... names) {
        for (String name : names) {
            if (!Settings.SERVICES.contains(name)) {
                throw new IllegalArgumentException("no service " + name + "; services: " + Settings.SERVICES);
            }
        }
        enabled = List.of(names);
        return this;
    }

    /** Starts everything; on any failure stops what was started and rethrows with the reason. */
    public Platform start(Reporter out) {
        long t0 = System.nanoTime();
        try {
            stopLeftovers();
            checkPortsFree();
            CompletableFuture<Void> db = CompletableFuture.runAsync(() -> {
                startDatabase();
                infrastructureReadyAfter.put("postgres (PGlite)", Duration.ofNanos(System.nanoTime() - t0));
            });
            CompletableFuture<Void> broker = CompletableFuture.runAsync(() -> {
                startBroker();
                infrastructureReadyAfter.put("kafka", Duration.ofNanos(System.nanoTime() - t0));
            });
            join(db);
            out.line("database   " + jdbcUrl
                    + (postgres == null
                            ? "  (existing)"
                            : "  (embedded PostgreSQL + pgvector, pid " + postgres.pid() + ")"));
            join(broker);
            out.line("kafka      " + bootstrap
                    + (kafka == null ? "  (existing)" : "  (embedded KRaft broker, pid " + kafka.pid() + ")"));
            Migrations.migrate(jdbcUrl, settings.dbUser(), settings.dbPassword());
            if (postgres != null) {
                startAnalyzer();
            }
            Topics.ensure(bootstrap, Topics.declared(), (short) 1);
            out.line("schema migrated, " + Topics.declared().size() + " topics ready (" + millis(t0) + " ms)");
            for (String service : enabled) {
                services.put(service, startService(service));
            }
            List<CompletableFuture<Void>> waits = new ArrayList<>();
            for (String service : enabled) {
                waits.add(CompletableFuture.runAsync(() -> awaitReady(service, t0)));
            }
            waits.forEach(Platform::join);
            return this;
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String url(String service) {
        return "http://" + settings.host() + ":" + port(service);
    }

    private int port(String instance) {
        Integer extra = extraPorts.get(instance);
        return extra != null ? extra : settings.servicePorts().get(instance);
    }

    /**
     * Starts one more instance of a service (same configuration, its own port, in the same consumer groups), as scaling
     * out would, and waits until it is ready; returns the instance's name ({@code agents-2}, ...), which
     * {@link #url}, {@link #crashAndRestart} and {@link #stop} know.
     */
    public String addInstance(String service) {
        return addInstance(service, Map.of());
    }

    /**
     * As {@link #addInstance(String)}, with environment variables of this instance only (a differently configured
     * deployment of the same service, such as ingest writing a new index version).
     */
    public String addInstance(String service, Map<String, String> env) {
        String name = service + "-"
                + (services.keySet().stream().filter(k -> k.startsWith(service)).count() + 1);
        extraEnv.put(name, new LinkedHashMap<>(env));
        extraPorts.put(name, Ports.freePort());
        instanceOf.put(name, service);
        services.put(name, startService(name));
        awaitReady(name, System.nanoTime());
        return name;
    }

    /**
     * Kills one service at once, as a crash would (no graceful shutdown, no offset commit), then starts it again and
     * waits until it is ready: for fault tests.
     */
    public void crashAndRestart(String service) {
        crash(service);
        restart(service);
    }

    /** Kills one service at once, as a crash would (no graceful shutdown, no offset commit); see {@link #restart}. */
    public void crash(String service) {
        services.get(service).kill();
    }

    /** Starts a service again (after {@link #crash}) and waits until it is ready. */
    public void restart(String service) {
        services.put(service, startService(service));
        awaitReady(service, System.nanoTime());
    }

    /** Time from start to each service's first UP readiness. */
    public Map<String, Duration> readyAfter() {
        return readyAfter;
    }

    /** Pids of every process this platform started. */
    public List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        services.values().forEach(p -> pids.add(p.pid()));
        if (kafka != null) {
            pids.add(kafka.pid());
        }
        if (postgres != null) {
            pids.add(postgres.pid());
        }
        return pids;
    }

    /**
     * CPU seconds each process this platform started has used so far (user + system, as the operating system counts
     * them), by service name, {@code kafka} and {@code postgres}, plus {@code launcher} (this JVM: load generators and
     * baselines run here). A process whose CPU time cannot be read is left out. Two snapshots around a measured run
     * tell where its CPU went.
     */
    public Map<String, Double> cpuSeconds() {
        Map<String, Long> pids = new LinkedHashMap<>();
        services.forEach((name, process) -> pids.put(name, process.pid()));
        if (kafka != null) {
            pids.put("kafka", kafka.pid());
        }
        if (postgres != null) {
            pids.put("postgres", postgres.pid());
        }
        pids.put("launcher", ProcessHandle.current().pid());
        Map<String, Double> out = new LinkedHashMap<>();
        pids.forEach((name, pid) -> ProcessHandle.of(pid)
                .flatMap(h -> h.info().totalCpuDuration())
                .ifPresent(d -> out.put(name, d.toNanos() / 1e9)));
        return out;
    }

    /**
     * "CPU during LABEL (N core-seconds available on C cores): ingest 512.3 s (64 %), ..." from two {@link #cpuSeconds}
     * snapshots {@code wallSeconds} apart, busiest first.
     */
    public static String cpuReport(
            String label, Map<String, Double> before, Map<String, Double> after, double wallSeconds) {
        int cores = Runtime.getRuntime().availableProcessors();
        double available = wallSeconds * cores;
        StringBuilder out = new StringBuilder(
                String.format("CPU during %s (%.0f core-seconds available on %d cores):", label, available, cores));
        after.entrySet().stream()
                .filter(e -> before.containsKey(e.getKey()))
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.get(e.getKey())))
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> out.append(String.format(
                        " %s %.1f s (%.0f %%),", e.getKey(), e.getValue(), 100 * e.getValue() / available)));
        out.setLength(out.length() - 1);
        return out.toString();
    }

    /** Time from start to the embedded broker and database accepting connections. */
    public Map<String, Duration> infrastructureReadyAfter() {
        return infrastructureReadyAfter;
    }

    /** Pids of the broker and the database, when this platform started them. */
    public Map<String, Long> infrastructurePids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        if (kafka != null) {
            pids.put("kafka", kafka.pid());
        }
        if (postgres != null) {
            pids.put("postgres (PGlite)", postgres.pid());
        }
        return pids;
    }

    public Map<String, ChildProcess> services() {
        return services;
    }

    /** The name of a service that exited on its own, if any. */
    public List<String> exited() {
        return services.entrySet().stream()
                .filter(e -> !e.getValue().isAlive())
                .map(Map.Entry::getKey)
                .toList();
    }

    /** True once {@link #stop()} has begun. */
    public boolean isStopping() {
        return stopped;
    }

    /**
     * Does now what autovacuum would ({@code VACUUM (ANALYZE)}): refreshes the planner's statistics (without them
     * PostgreSQL estimates a handful of rows and prefers an exact scan to the HNSW index), reclaims the rows replaced
     * documents left behind, and keeps the visibility map that lets BM25 read postings from their index alone.
     */
    public void analyze() {
        try (Connection c = DriverManager.getConnection(jdbcUrl, settings.dbUser(), settings.dbPassword());
                Statement st = c.createStatement()) {
            st.execute("VACUUM (ANALYZE)");
        } catch (SQLException e) {
            System.err.println("VACUUM (ANALYZE) failed: " + e.getMessage());
        }
    }

    /**
     * What autovacuum's analyze threshold does: every table of the public schema that grew by more than {@link
     * #GROWTH} of its size at its last ANALYZE (and by {@link #GROWTH_PAGES} pages at least) is analyzed now. Without
     * it, a plan made while a table was small stays cached in PGlite's one session as the table grows: the foreign-key
     * checks of a bulk ingest, planned as sequential scans over a near-empty {@code chunks}, then read every chunk for
     * every posting written (ingest's PGlite time per document grew linearly with the corpus: 15 → 50 ms over 2,000
     * SciFact documents; docs/BENCHMARKS.md). An ANALYZE updates the statistics and invalidates those plans.
     */
    private void analyzeGrown() {
        try (Connection c = DriverManager.getConnection(jdbcUrl, settings.dbUser(), settings.dbPassword());
                Statement st = c.createStatement()) {
            List<String> grown = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT quote_ident(c.relname)"
                    + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE n.nspname = 'public' AND c.relkind = 'r'"
                    + " AND pg_relation_size(c.oid) / current_setting('block_size')::int"
                    + " > greatest(c.relpages, 0) * " + (1 + GROWTH) + " + " + GROWTH_PAGES)) {
                while (rs.next()) {
                    grown.add(rs.getString(1));
                }
            }
            if (!grown.isEmpty()) {
                st.execute("ANALYZE " + String.join(", ", grown));
            }
        } catch (SQLException e) {
            System.err.println("ANALYZE of grown tables failed: " + e.getMessage());
        }
    }

    /** A table is analyzed again once it grew by this fraction of its size at its last ANALYZE (autovacuum's 0.1). */
    private static final double GROWTH = 0.1;

    /** ... and by this many pages at least (autovacuum's threshold is 50 rows). */
    private static final int GROWTH_PAGES = 8;

    /** How often the launcher looks for grown tables. */
    private static final Duration GROWTH_CHECK = Duration.ofSeconds(10);

    /**
     * The embedded PostgreSQL (PGlite) runs no autovacuum, so nothing would ever refresh the planner's statistics or
     * the visibility map: the launcher does, every {@code RAGLINE_DB_ANALYZE_SECONDS} (300), and analyzes tables that
     * grew in between ({@link #analyzeGrown}). A real PostgreSQL's autovacuum does this itself; with {@code
     * RAGLINE_DB_URL} set, this is not started.
     */
    private void startAnalyzer() {
        analyze();
        long every = settings.analyzeEvery().toSeconds();
        analyzer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ragline-analyze");
            t.setDaemon(true);
            return t;
        });
        analyzer.scheduleWithFixedDelay(this::analyze, every, every, TimeUnit.SECONDS);
        long check = GROWTH_CHECK.toSeconds();
        analyzer.scheduleWithFixedDelay(this::analyzeGrown, check, check, TimeUnit.SECONDS);
    }

    /** Stops every process this platform started, services first, then the broker and the database. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (analyzer != null) {
            analyzer.shutdownNow();
        }
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (ChildProcess service : services.values()) {
            stops.add(CompletableFuture.runAsync(() -> service.stop(Duration.ofSeconds(20))));
        }
        stops.forEach(CompletableFuture::join);
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void startDatabase() {
        if (settings.dbUrl().isPresent()) {
            jdbcUrl = settings.dbUrl().get();
            return;
        }
        postgres = PostgresServer.start(
                new PostgresServer.Settings(
                        settings.host(),
                        settings.dbPort(),
                        settings.dataDir().resolve("postgres"),
                        settings.runDir(),
                        settings.logDir(),
                        32),
                Duration.ofSeconds(90));
        jdbcUrl = postgres.jdbcUrl();
    }

    private void startBroker() {
        if (settings.kafkaBootstrap().isPresent()) {
            bootstrap = settings.kafkaBootstrap().get();
            return;
        }
        kafka = KafkaBroker.start(
                new KafkaBroker.Settings(
                        settings.host(),
                        settings.kafkaPort(),
                        settings.kafkaControllerPort(),
                        settings.dataDir().resolve("kafka"),
                        settings.runDir(),
                        settings.logDir()),
                Duration.ofSeconds(90));
        bootstrap = kafka.bootstrapServers();
    }

    private ChildProcess startService(String instance) {
        String service = instanceOf.getOrDefault(instance, instance);
        Path jar = settings.home().resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build first (./mvnw install -DskipTests)");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-D" + ChildProcess.marker(instance));
        command.addAll(
                Arrays.asList(settings.serviceJvmOptions().get(service).trim().split("\\s+")));
        command.add("-Dai.djl.offline=true");
        command.add("-jar");
        command.add(jar.toString());
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUARKUS_HTTP_HOST", settings.host());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port(instance)));
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl);
        env.put("QUARKUS_DATASOURCE_USERNAME", settings.dbUser());
        env.put("QUARKUS_DATASOURCE_PASSWORD", settings.dbPassword());
        // the gateway finds the retriever; GATEWAY_MODEL_* set by the user (the model server) is inherited as it is
        env.put("GATEWAY_RETRIEVER_URL", url("retriever"));
        env.put("AGENTS_REVIEW_RETRIEVER_URL", url("retriever"));
        env.put("AGENTS_RESEARCH_RETRIEVER_URL", url("retriever"));
        env.put("JUDGE_EVALS_GATEWAY_URL", url("gateway"));
        env.put("QUARKUS_REST_CLIENT_AGENTS_URL", url("agents"));
        env.put("QUARKUS_REST_CLIENT_INGEST_URL", url("ingest"));
        env.put("JUDGE_RETRIEVER_URL", url("retriever"));
        env.put("GATEWAY_ACCESS_ADMIN_TOKEN", KeysCommand.adminToken(settings));
        // the judge reads answers and feedback for its exports through the gateway's admin API
        env.put("JUDGE_EXPORTS_GATEWAY_ADMIN_TOKEN", KeysCommand.adminToken(settings));
        env.put("DJL_OFFLINE", "true");
        if (postgres != null) {
            env.putAll(PostgresServer.serviceEnvironment());
        }
        env.putAll(extraEnv.getOrDefault(service, Map.of()));
        if (!instance.equals(service)) {
            env.putAll(extraEnv.getOrDefault(instance, Map.of()));
        }
        env.put("DJL_CACHE_DIR", settings.dataDir().resolve("djl").toString());
        return ChildProcess.start(instance, command, env, settings.home(), settings.runDir(), settings.logDir());
    }

    private void awaitReady(String service, long t0) {
        ChildProcess process = services.get(service);
        URI ready = URI.create(url(service) + "/q/health/ready");
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(service + " exited during start-up; its log (" + process.logFile()
                        + ") ends with:\n" + process.logTail(25));
            }
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(ready)
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    readyAfter.put(service, Duration.ofNanos(System.nanoTime() - t0));
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            sleep(250);
        }
        throw new IllegalStateException(
                service + " was not ready within " + settings.startTimeout().toSeconds() + " s; its log ("
                        + process.logFile() + ") ends with:\n" + process.logTail(25));
    }

    /** Processes a crashed earlier run left behind (their pid files are still there) are stopped first, together. */
    private void stopLeftovers() {
        List<String> names = new ArrayList<>(Settings.SERVICES);
        names.add(KafkaBroker.PROCESS_NAME);
        names.add(PostgresServer.PROCESS_NAME);
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (String name : names) {
            stops.add(CompletableFuture.runAsync(() -> {
                try {
                    ChildProcess.stopStale(name, settings.runDir().resolve(name + ".pid"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        }
        stops.forEach(Platform::join);
    }

    private void checkPortsFree() {
        Map<String, Integer> wanted = new LinkedHashMap<>();
        settings.servicePorts()
                .forEach((service, port) -> wanted.put("RAGLINE_" + service.toUpperCase() + "_PORT", port));
        if (settings.kafkaBootstrap().isEmpty()) {
            wanted.put("RAGLINE_KAFKA_PORT", settings.kafkaPort());
            wanted.put("RAGLINE_KAFKA_CONTROLLER_PORT", settings.kafkaControllerPort());
        }
        if (settings.dbUrl().isEmpty()) {
            wanted.put("RAGLINE_DB_PORT", settings.dbPort());
        }
        wanted.forEach((key, port) -> {
            if (Ports.isListening(settings.host(), port)) {
                throw new IllegalStateException("port " + port + " on " + settings.host()
                        + " is already in use by another program: choose another with " + key + "=...");
            }
        });
    }

    private static long millis(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0).toMillis();
    }

    private static void join(CompletableFuture<Void> future) {
        try {
            future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Where progress lines go. */
    @FunctionalInterface
    public interface Reporter {
        void line(String text);
    }
}
