package io.ragline.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A process ragline started and must stop: its output goes to a log file, its pid to a pid file, and a pid file left
 * behind by a crashed run is cleaned up (the old process stopped, if it is still ours) before a new one starts.
 */
public final class ChildProcess implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ChildProcess.class);

    /** Marker placed on every command line we start, so a stale pid file is only ever acted on for our own process. */
    static final String MARKER_PREFIX = "ragline.process=";

    private final String name;
    private final Process process;
    private final Path pidFile;
    private final Path logFile;

    private ChildProcess(String name, Process process, Path pidFile, Path logFile) {
        this.name = name;
        this.process = process;
        this.pidFile = pidFile;
        this.logFile = logFile;
    }

    /**
     * Starts {@code command}, first stopping a leftover process of the same name recorded in {@code runDir}.
     *
     * @param command the command; it must contain {@link #marker(String)} somewhere (a system property or argument)
     */
    public static ChildProcess start(
            String name, List<String> command, Map<String, String> env, Path workDir, Path runDir, Path logDir) {
        try {
            Files.createDirectories(runDir);
            Files.createDirectories(logDir);
            Path pidFile = runDir.resolve(name + ".pid");
            stopStale(name, pidFile);
            Path logFile = logDir.resolve(name + ".log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().putAll(env);
            Process process = builder.start();
            Files.writeString(pidFile, Long.toString(process.pid()), StandardCharsets.UTF_8);
            LOG.debugf("started %s (pid %d): %s", name, process.pid(), command);
            return new ChildProcess(name, process, pidFile, logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    /** The command-line marker that identifies process {@code name} as ragline's. */
    public static String marker(String name) {
        return MARKER_PREFIX + name;
    }

    /** Stops the process a crashed earlier run left behind, if the pid file names a live process of ours. */
    public static void stopStale(String name, Path pidFile) throws IOException {
        if (!Files.exists(pidFile)) {
            return;
        }
        String text = Files.readString(pidFile, StandardCharsets.UTF_8).trim();
        Files.deleteIfExists(pidFile);
        long pid;
        try {
            pid = Long.parseLong(text);
        } catch (NumberFormatException e) {
            return;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return;
        }
        String commandLine = handle.get().info().commandLine().orElse("");
        if (!commandLine.contains(marker(name))) {
            return; // the pid was reused by somebody else's process: leave it alone
        }
        LOG.warnf("stopping %s (pid %d) left behind by an earlier run", name, pid);
        terminate(handle.get(), Duration.ofSeconds(15));
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The last lines of the log, for error messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Terminates the process (and its descendants) gracefully, forcibly after {@code grace}. */
    public void stop(Duration grace) {
        terminate(process.toHandle(), grace);
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            LOG.debugf("cannot delete %s: %s", pidFile, e.getMessage());
        }
    }

    /** Kills the process at once (SIGKILL), as a crash would: no shutdown hook runs. */
    public void kill() {
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(20));
    }

    static void terminate(ProcessHandle handle, Duration grace) {
        List<ProcessHandle> descendants = handle.descendants().toList();
        handle.destroy();
        descendants.forEach(ProcessHandle::destroy);
        try {
            handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            handle.destroyForcibly();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
