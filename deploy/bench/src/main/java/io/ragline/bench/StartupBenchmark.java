package io.ragline.bench;

import io.ragline.platform.Platform;
import io.ragline.platform.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./ragline measure-start [runs]}: starts the whole platform {@code runs} times on a fresh data folder (the first
 * run formats storage, the others restart on it), records when each service was first ready and the resident memory of
 * every process once all are ready, stops everything, and prints medians as a Markdown table for docs/BENCHMARKS.md.
 */
final class StartupBenchmark {

    private StartupBenchmark() {}

    static int run(Settings base, int runs) throws IOException {
        Path data = Files.createTempDirectory("ragline-measure-");
        Settings settings = base.withDataDir(data);
        Map<String, List<Long>> readyMs = new LinkedHashMap<>();
        Map<String, List<Long>> rssMb = new LinkedHashMap<>();
        List<Long> allReadyMs = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            long t0 = System.nanoTime();
            try (Platform platform = new Platform(settings).start(line -> {})) {
                long total = Duration.ofNanos(System.nanoTime() - t0).toMillis();
                allReadyMs.add(total);
                platform.infrastructureReadyAfter()
                        .forEach((name, d) -> readyMs.computeIfAbsent(name, k -> new ArrayList<>())
                                .add(d.toMillis()));
                platform.readyAfter()
                        .forEach((service, d) -> readyMs.computeIfAbsent(service, k -> new ArrayList<>())
                                .add(d.toMillis()));
                Map<String, Long> pids = new LinkedHashMap<>();
                platform.services().forEach((name, p) -> pids.put(name, p.pid()));
                platform.infrastructurePids().forEach(pids::put);
                pids.put("launcher", ProcessHandle.current().pid());
                pids.forEach((name, pid) ->
                        rssMb.computeIfAbsent(name, k -> new ArrayList<>()).add(rssMb(pid)));
                System.out.printf("run %d: all ready after %.1f s%n", i, total / 1000.0);
            }
        }
        System.out.println();
        System.out.printf(
                "Startup of `./ragline up` (%d runs: the first on an empty data folder, then restarts), %s, %d cores%n%n",
                runs, LocalDate.now(), Runtime.getRuntime().availableProcessors());
        System.out.println("| process | ready after, median (min–max) | resident memory when all are ready, median |");
        System.out.println("|---|---|---|");
        System.out.printf("| all five services | %s | |%n", summary(allReadyMs, "s"));
        for (String name : rssMb.keySet()) {
            List<Long> ready = readyMs.get(name);
            System.out.printf(
                    "| %s | %s | %d MB |%n", name, ready == null ? "–" : summary(ready, "s"), median(rssMb.get(name)));
        }
        deleteRecursively(data);
        return 0;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static String summary(List<Long> millis, String unit) {
        List<Long> sorted = millis.stream().sorted().toList();
        return String.format(
                "%.1f %s (%.1f–%.1f)",
                median(sorted) / 1000.0, unit, sorted.get(0) / 1000.0, sorted.get(sorted.size() - 1) / 1000.0);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted(Comparator.naturalOrder()).toList();
        return sorted.get(sorted.size() / 2);
    }

    /** VmRSS of a Linux process, in MB (0 where /proc is not available). */
    static long rssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
