package io.ragline.runtime.testing;

import io.ragline.runtime.KafkaBroker;
import io.ragline.runtime.Migrations;
import io.ragline.runtime.Ports;
import io.ragline.runtime.PostgresServer;
import io.ragline.runtime.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One real Kafka broker and one real PostgreSQL with pgvector per test JVM, started on first use on free loopback
 * ports in a fresh temporary folder, migrated and with every topic created, and stopped when the JVM exits. Test
 * classes share them, so the suite pays the start-up once.
 */
public final class TestInfrastructure {

    private static KafkaBroker kafka;
    private static PostgresServer postgres;
    private static Path workDir;

    private TestInfrastructure() {}

    public static synchronized KafkaBroker kafka() {
        if (kafka == null) {
            Path dir = workDir().resolve("kafka");
            kafka = KafkaBroker.start(
                    new KafkaBroker.Settings(
                            "127.0.0.1",
                            Ports.freePort(),
                            Ports.freePort(),
                            dir,
                            dir.resolve("run"),
                            dir.resolve("log")),
                    Duration.ofSeconds(90));
            Topics.ensure(kafka.bootstrapServers(), Topics.declared(), (short) 1);
        }
        return kafka;
    }

    public static synchronized PostgresServer postgres() {
        if (postgres == null) {
            Path dir = workDir().resolve("postgres");
            postgres = PostgresServer.start(
                    new PostgresServer.Settings(
                            "127.0.0.1", Ports.freePort(), null, dir.resolve("run"), dir.resolve("log"), 32),
                    Duration.ofSeconds(90));
            Migrations.migrate(postgres.jdbcUrl(), PostgresServer.USER, PostgresServer.PASSWORD);
        }
        return postgres;
    }

    private static Path workDir() {
        if (workDir == null) {
            try {
                Path base = Path.of(System.getProperty("java.io.tmpdir"));
                workDir = Files.createTempDirectory(base, "ragline-it-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(TestInfrastructure::stopAll, "ragline-test-infra-stop"));
        }
        return workDir;
    }

    static synchronized void stopAll() {
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
        if (workDir != null) {
            deleteRecursively(workDir);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder left behind is harmless
        }
    }
}
