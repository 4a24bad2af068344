package io.ragline.gateway.problem;

/** A request the gateway refuses, with the HTTP status and a reason the caller can act on. */
public class ProblemException extends RuntimeException {

    private final int status;
    private final long retryAfterSeconds;

    public ProblemException(int status, String detail) {
        this(status, detail, 0);
    }

    /** With a {@code Retry-After} header (429, 503). */
    public ProblemException(int status, String detail, long retryAfterSeconds) {
        super(detail);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
