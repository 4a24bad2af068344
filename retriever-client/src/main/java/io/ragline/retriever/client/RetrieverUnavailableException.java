package io.ragline.retriever.client;

/** The retriever could not answer (unreachable, 5xx twice, or too slow); the message says which. */
public class RetrieverUnavailableException extends RuntimeException {

    public RetrieverUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
