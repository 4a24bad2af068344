package io.ragline.platform;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The local platform's settings, from environment variables ({@code RAGLINE_*}) or the same names as system
 * properties ({@code -Dragline.kafka.port=...}), with local defaults. Every port is configurable; giving an existing
 * Kafka or PostgreSQL address makes the launcher use it instead of starting its own.
 *
 * @param kafkaBootstrap an existing Kafka cluster, or empty to start the embedded broker
 * @param dbUrl an existing PostgreSQL with pgvector (JDBC URL), or empty to start the embedded one
 * @param servicePorts HTTP port per service, in start order
 * @param serviceJvmOptions JVM options per service
 */
public record Settings(
        Path home,
        Path dataDir,
        Path runDir,
        Path logDir,
        String host,
        Optional<String> kafkaBootstrap,
        int kafkaPort,
        int kafkaControllerPort,
        Optional<String> dbUrl,
        String dbUser,
        String dbPassword,
        int dbPort,
        Map<String, Integer> servicePorts,
        Map<String, String> serviceJvmOptions,
        Duration startTimeout,
        Duration analyzeEvery) {

    /** The services, in the order they are listed. */
    public static final List<String> SERVICES = List.of("gateway", "ingest", "retriever", "agents", "judge");

    /** Defaults overridden by {@code source} (keys like {@code RAGLINE_KAFKA_PORT}). */
    public static Settings from(Path home, Map<String, String> source) {
        Path var = home.resolve("var");
        // a relative data folder is relative to the ragline home, wherever the command runs from
        Path dataDir = home.resolve(
                        get(source, "RAGLINE_DATA_DIR", var.resolve("data").toString()))
                .toAbsolutePath()
                .normalize();
        Map<String, Integer> ports = new LinkedHashMap<>();
        int base = 8080;
        for (String service : SERVICES) {
            ports.put(service, integer(source, "RAGLINE_" + service.toUpperCase() + "_PORT", base++));
        }
        return new Settings(
                home,
                dataDir,
                var.resolve("run"),
                var.resolve("log"),
                get(source, "RAGLINE_HOST", "127.0.0.1"),
                optional(source, "RAGLINE_KAFKA_BOOTSTRAP"),
                integer(source, "RAGLINE_KAFKA_PORT", 19092),
                integer(source, "RAGLINE_KAFKA_CONTROLLER_PORT", 19093),
                optional(source, "RAGLINE_DB_URL"),
                get(source, "RAGLINE_DB_USER", "postgres"),
                get(source, "RAGLINE_DB_PASSWORD", "postgres"),
                integer(source, "RAGLINE_DB_PORT", 15432),
                ports,
                jvmOptions(source),
                Duration.ofSeconds(integer(source, "RAGLINE_START_TIMEOUT_SECONDS", 120)),
                Duration.ofSeconds(Math.max(10, integer(source, "RAGLINE_DB_ANALYZE_SECONDS", 300))));
    }

    /** The same settings with the data, pid and log folders under {@code dir} (benchmarks run on a fresh folder). */
    public Settings withDataDir(Path dir) {
        return new Settings(
                home,
                dir,
                dir.resolve("run"),
                dir.resolve("log"),
                host,
                kafkaBootstrap,
                kafkaPort,
                kafkaControllerPort,
                dbUrl,
                dbUser,
                dbPassword,
                dbPort,
                servicePorts,
                serviceJvmOptions,
                startTimeout,
                analyzeEvery);
    }

    /** The process environment, overridden by {@code ragline.*} system properties of the same names. */
    public static Map<String, String> environment() {
        Map<String, String> source = new LinkedHashMap<>(System.getenv());
        System.getProperties().forEach((k, v) -> {
            String key = k.toString();
            if (key.startsWith("ragline.")) {
                source.put(key.toUpperCase().replace('.', '_').replace('-', '_'), v.toString());
            }
        });
        return source;
    }

    /**
     * JVM options per service: {@code RAGLINE_<SERVICE>_JVM_OPTIONS}, else {@code RAGLINE_SERVICE_JVM_OPTIONS}, else a
     * small serial-GC heap; ingest (ONNX embeddings, Tika) gets 1 GB and the default collector, which measured faster.
     */
    private static Map<String, String> jvmOptions(Map<String, String> source) {
        String common = get(source, "RAGLINE_SERVICE_JVM_OPTIONS", "-Xmx512m -XX:+UseSerialGC");
        Map<String, String> options = new LinkedHashMap<>();
        for (String service : SERVICES) {
            String fallback =
                    service.equals("ingest") && !source.containsKey("RAGLINE_SERVICE_JVM_OPTIONS") ? "-Xmx1g" : common;
            options.put(service, get(source, "RAGLINE_" + service.toUpperCase() + "_JVM_OPTIONS", fallback));
        }
        return options;
    }

    private static String get(Map<String, String> source, String key, String fallback) {
        String value = source.get(key);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static Optional<String> optional(Map<String, String> source, String key) {
        String value = source.get(key);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private static int integer(Map<String, String> source, String key, int fallback) {
        String value = source.get(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number between 0 and 65535, was '" + value + "'");
        }
    }
}
