package io.ragline.model;

/**
 * The model server could not produce an answer: none configured, the circuit is open, or the call failed after its
 * retries. Callers degrade (extractive answer, deterministic review, ...) and say why, with {@link #getMessage()}.
 */
public class ModelUnavailableException extends RuntimeException {

    public ModelUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
