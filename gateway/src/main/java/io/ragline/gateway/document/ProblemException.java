package io.ragline.gateway.document;

/** A request the gateway refuses, with the HTTP status and a reason the caller can act on. */
public class ProblemException extends RuntimeException {

    private final int status;

    public ProblemException(int status, String detail) {
        super(detail);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
