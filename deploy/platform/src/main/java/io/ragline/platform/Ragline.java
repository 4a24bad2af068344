package io.ragline.platform;

import io.ragline.runtime.Migrations;
import io.ragline.runtime.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code ragline} command (picocli): {@code up} runs the whole platform on this machine until Ctrl-C, then stops
 * everything it started; {@code migrate} applies every table-owning service's schema migrations to the configured
 * database; {@code topics} creates or grows the topics on the configured Kafka; {@code ingest}, {@code keys},
 * {@code judge} and {@code research} talk to a running platform. {@code help} prints the page the {@code ragline}
 * script also prints before anything is built; {@code help COMMAND} (or {@code COMMAND --help}) one command's usage.
 */
@Command(
        name = "ragline",
        // every subcommand has -h/--help and -V/--version
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        version = "ragline 0.1.0",
        subcommands = {
            Ragline.Up.class,
            Ragline.Migrate.class,
            Ragline.Topics.class,
            IngestCommand.class,
            KeysCommand.class,
            JudgeCommand.class,
            ResearchCommand.class,
            Ragline.HelpCommand.class
        })
public final class Ragline implements Callable<Integer> {

    static final String LAUNCHER_MARKER = "ragline.launcher";

    public static void main(String[] args) {
        Commands.main(args, new Ragline());
    }

    /** Without a command: the help page. */
    @Override
    public Integer call() throws IOException {
        return help();
    }

    @Command(
            name = "up",
            description = "run the platform (embedded Kafka + PostgreSQL/pgvector, five services) until Ctrl-C")
    static final class Up extends RaglineCommand {

        @Override
        public Integer call() throws Exception {
            return up(settings());
        }
    }

    @Command(
            name = "migrate",
            description = "apply every service's schema migrations (Flyway) to the configured database")
    static final class Migrate extends RaglineCommand {

        @Override
        public Integer call() {
            Settings settings = settings();
            String url = settings.dbUrl().orElse(PostgresServer.jdbcUrl(settings.host(), settings.dbPort()));
            int applied = Migrations.migrate(url, settings.dbUser(), settings.dbPassword());
            System.out.println("applied " + applied + " migration(s) to " + url);
            return 0;
        }
    }

    @Command(name = "topics", description = "create or grow ragline's Kafka topics")
    static final class Topics extends RaglineCommand {

        @Override
        public Integer call() {
            Settings settings = settings();
            String bootstrap = settings.kafkaBootstrap().orElse(settings.host() + ":" + settings.kafkaPort());
            io.ragline.runtime.Topics.ensure(bootstrap, io.ragline.runtime.Topics.declared(), (short) 1);
            io.ragline.runtime.Topics.declared()
                    .forEach((name, partitions) -> System.out.printf("%-22s %d partition(s)%n", name, partitions));
            return 0;
        }
    }

    /** {@code help}: the whole page; {@code help COMMAND}: that command's usage, from its annotations. */
    @Command(name = "help", description = "print this page, or one command's usage")
    static final class HelpCommand implements Callable<Integer> {

        @Parameters(arity = "0..1", paramLabel = "COMMAND")
        String command;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (command == null) {
                return help();
            }
            CommandLine sub = spec.parent().subcommands().get(command);
            if (sub == null) {
                System.err.println("ragline: unknown command '" + command + "' (see ./ragline help)");
                return 2;
            }
            sub.usage(System.out);
            return 0;
        }
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

    /** Prints the usage, from the text the {@code ragline} script also prints before anything is built. */
    static int help() throws IOException {
        System.out.print(helpText());
        return 0;
    }

    static String helpText() throws IOException {
        try (var in = Ragline.class.getResourceAsStream("help.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
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
