package io.ragline.platform;

import io.ragline.runtime.Home;

/**
 * How a {@code ./ragline} entry point runs a command (the launcher's and the benchmarks'): the settings read from the
 * environment (a bad one: one line, exit 2), the command run, any failure reported as one line ({@link CommandFailure}),
 * and the JVM ended with the command's status.
 */
public final class Commands {

    /** Runs the command named by the first argument ({@code help} when there is none); returns its exit status. */
    @FunctionalInterface
    public interface Dispatch {
        int run(String command, Settings settings) throws Exception;
    }

    private Commands() {}

    public static void main(String[] args, Dispatch dispatch) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$-7s %3$s: %5$s%6$s%n");
        String command = args.length == 0 ? "help" : args[0];
        Settings settings;
        try {
            settings = Settings.from(Home.locate(), Settings.environment());
        } catch (IllegalArgumentException e) {
            System.err.println("ragline: " + e.getMessage());
            System.exit(2);
            return;
        }
        int status;
        try {
            status = dispatch.run(command, settings);
        } catch (Exception e) {
            status = CommandFailure.report(e);
        }
        System.exit(status);
    }
}
