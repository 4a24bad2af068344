package io.ragline.platform;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * What a command that failed prints: one line naming the cause ({@code ragline: no such file or folder: x}), never a
 * stack trace; {@code RAGLINE_DEBUG=1} prints the trace as well, for a bug report.
 */
public final class CommandFailure {

    private CommandFailure() {}

    /** The one line for {@code failure}, without the {@code ragline: } prefix. */
    public static String describe(Throwable failure) {
        Throwable t = failure instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : failure;
        if (t instanceof NoSuchFileException e) {
            return "no such file or folder: " + e.getFile();
        }
        if (t instanceof AccessDeniedException e) {
            return "permission denied: " + e.getFile();
        }
        if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException) {
            return "cannot connect (is ragline up? see ./ragline up): "
                    + (t.getMessage() == null ? "connection refused" : t.getMessage());
        }
        String message = t.getMessage();
        return message == null || message.isBlank()
                ? t.getClass().getSimpleName()
                : message.lines().findFirst().orElse("");
    }

    /** Prints the failure as one line on standard error and returns the exit status (1). */
    public static int report(Throwable failure) {
        System.err.println("ragline: " + describe(failure));
        if ("1".equals(System.getenv("RAGLINE_DEBUG"))) {
            failure.printStackTrace();
        }
        return 1;
    }
}
