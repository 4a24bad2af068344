package io.ragline.platform;

import io.ragline.runtime.Migrations;
import io.ragline.runtime.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code ragline} command.
 *
 * <ul>
 *   <li>{@code up}: run the whole platform on this machine until Ctrl-C, then stop everything it started;
 *   <li>{@code migrate}: apply every table-owning service's schema migrations to the configured database;
 *   <li>{@code topics}: create or grow the topics on the configured Kafka.
 * </ul>
 */
public final class Ragline {

    static final String LAUNCHER_MARKER = "ragline.launcher";

    private Ragline() {}

    public static void main(String[] args) {
        Commands.main(args, (command, settings) -> switch (command) {
            case "up" -> up(settings);
            case "migrate" -> migrate(settings);
            case "ingest" -> ingest(settings, args);
            case "topics" -> topics(settings);
            case "keys" -> KeysCommand.run(settings, args);
            case "judge" -> JudgeCommand.run(settings, args);
            case "research" -> ResearchCommand.run(settings, args, System.out);
            case "help", "-h", "--help" -> help();
            default -> {
                System.err.println("ragline: unknown command '" + command + "'");
                help();
                yield 2;
            }
        });
    }

    static int up(Settings settings) throws Exception {
        Path pidFile = settings.runDir().resolve("launcher.pid");
        Optional<Long> running = runningLauncher(pidFile);
        if (running.isPresent()) {
            System.err.println("ragline is already running (pid " + running.get()
                    + "): stop it with Ctrl-C in its terminal, or kill " + running.get());
            return 1;
        }
        Files.createDirectories(settings.runDir());
        Files.writeString(pidFile, Long.toString(ProcessHandle.current().pid()), StandardCharsets.UTF_8);

        Platform platform = new Platform(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.out.println("\nstopping ragline...");
                            platform.stop();
                            try {
                                Files.deleteIfExists(pidFile);
                            } catch (IOException e) {
                                // nothing left to do
                            }
                            System.out.println("stopped: no process left running");
                            stopped.countDown();
                        },
                        "ragline-stop"));
        long t0 = System.nanoTime();
        try {
            platform.start(System.out::println);
        } catch (RuntimeException e) {
            System.err.println("\nragline could not start: " + e.getMessage());
            return 1;
        }
        printUrls(settings, platform, Duration.ofNanos(System.nanoTime() - t0));
        while (true) {
            Thread.sleep(2000);
            for (String service : platform.exited()) {
                System.err.println("warning: " + service + " exited; see "
                        + platform.services().get(service).logFile());
            }
            if (!platform.exited().isEmpty() && platform.exited().size() == Settings.SERVICES.size()) {
                return 1;
            }
        }
    }

    static int ingest(Settings settings, String[] args) throws Exception {
        Path root = null;
        String gateway =
                "http://" + settings.host() + ":" + settings.servicePorts().get("gateway");
        List<String> include = new ArrayList<>();
        List<String> exclude = new ArrayList<>();
        int parallel = 4;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--include" -> include.add(args[++i]);
                case "--exclude" -> exclude.add(args[++i]);
                case "--gateway" -> gateway = args[++i];
                case "--parallel" -> parallel = Integer.parseInt(args[++i]);
                default -> root = Path.of(args[i]);
            }
        }
        if (root == null) {
            System.err.println("usage: ./ragline ingest PATH [--include GLOB]... [--exclude GLOB]... [--gateway URL]");
            return 2;
        }
        FolderIngest.Summary summary = new FolderIngest(
                        new FolderIngest.Options(
                                root.toAbsolutePath().normalize(),
                                gateway,
                                include,
                                exclude,
                                parallel,
                                Duration.ofHours(2)),
                        System.out)
                .run();
        return summary.failed() + summary.rejected() + summary.pending() == 0 ? 0 : 1;
    }

    static int migrate(Settings settings) {
        String url =
                settings.dbUrl().orElse(io.ragline.runtime.PostgresServer.jdbcUrl(settings.host(), settings.dbPort()));
        int applied = Migrations.migrate(url, settings.dbUser(), settings.dbPassword());
        System.out.println("applied " + applied + " migration(s) to " + url);
        return 0;
    }

    static int topics(Settings settings) {
        String bootstrap = settings.kafkaBootstrap().orElse(settings.host() + ":" + settings.kafkaPort());
        Topics.ensure(bootstrap, Topics.declared(), (short) 1);
        Topics.declared().forEach((name, partitions) -> System.out.printf("%-22s %d partition(s)%n", name, partitions));
        return 0;
    }

    /** Prints the usage, from the text the {@code ragline} script also prints before anything is built. */
    static int help() throws IOException {
        try (var in = Ragline.class.getResourceAsStream("help.txt")) {
            System.out.print(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        return 0;
    }

    private static void printUrls(Settings settings, Platform platform, Duration took) {
        System.out.println();
        System.out.printf("ragline is up (%.1f s)%n%n", took.toMillis() / 1000.0);
        System.out.printf("  %-10s %-28s %s%n", "service", "url", "ready after");
        for (String service : Settings.SERVICES) {
            System.out.printf(
                    "  %-10s %-28s %.1f s%n",
                    service,
                    platform.url(service),
                    platform.readyAfter().get(service).toMillis() / 1000.0);
        }
        System.out.println();
        System.out.println("  API docs     " + platform.url("gateway") + "/q/swagger-ui");
        System.out.println(
                "  try          curl -s -XPOST " + platform.url("gateway")
                        + "/v1/documents -H 'content-type: application/json' -d '{\"title\":\"hello\",\"text\":\"ragline indexes this.\"}'");
        System.out.println("  kafka        " + platform.bootstrapServers());
        System.out.println("  database     " + platform.jdbcUrl());
        System.out.println("  logs         " + settings.logDir());
        System.out.println();
        System.out.println("Press Ctrl-C to stop everything.");
    }

    /** The pid of a live launcher recorded in {@code pidFile}; a stale file is ignored. */
    static Optional<Long> runningLauncher(Path pidFile) throws IOException {
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(
                    Files.readString(pidFile, StandardCharsets.UTF_8).trim());
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().commandLine().orElse("").contains(LAUNCHER_MARKER))
                    .map(ProcessHandle::pid);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
