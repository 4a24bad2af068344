package io.ragline.platform;

import io.ragline.runtime.Home;
import picocli.CommandLine;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How a {@code ./ragline} entry point runs a command (the launcher's and the benchmarks'): picocli parses the arguments
 * (a wrong one: one line naming it and where the command's usage is, exit 2), the settings are read from the
 * environment when a command first asks for them (a bad one: one line, exit 2), any failure is reported as one line
 * ({@link CommandFailure}), and the JVM ends with the command's status.
 */
public final class Commands {

    /** A setting in the environment that cannot be used. */
    static final class BadSettingException extends RuntimeException {
        BadSettingException(String message) {
            super(message);
        }
    }

    private static Settings environment;

    private Commands() {}

    /** The settings of this run, read from the environment once. */
    static synchronized Settings settings() {
        if (environment == null) {
            try {
                environment = Settings.from(Home.locate(), Settings.environment());
            } catch (IllegalArgumentException e) {
                throw new BadSettingException(e.getMessage());
            }
        }
        return environment;
    }

    /** The command line for {@code root} with ragline's error handling: what {@link #main} executes. */
    public static CommandLine commandLine(Object root) {
        CommandLine line = new CommandLine(root);
        line.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof BadSettingException) {
                command.getErr().println("ragline: " + e.getMessage());
                return 2;
            }
            return CommandFailure.report(e);
        });
        line.setParameterExceptionHandler((e, args) -> {
            CommandLine command = e.getCommandLine();
            String path = command.getCommandSpec().qualifiedName(" ").replaceFirst("^ragline ?", "");
            if (e instanceof UnmatchedArgumentException && command.getParent() == null && args.length > 0) {
                command.getErr().println("ragline: unknown command '" + args[0] + "' (see ./ragline help)");
            } else {
                command.getErr().println("ragline: " + e.getMessage() + " (see ./ragline help " + path + ")");
            }
            return 2;
        });
        return line;
    }

    public static void main(String[] args, Object root) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$-7s %3$s: %5$s%6$s%n");
        System.exit(commandLine(root).execute(args));
    }
}
