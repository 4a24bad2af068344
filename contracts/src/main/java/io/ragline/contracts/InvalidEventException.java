package io.ragline.contracts;

/** A record on a topic that is not a valid event: consumers send it to the dead-letter topic with this message. */
public class InvalidEventException extends RuntimeException {

    public InvalidEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
