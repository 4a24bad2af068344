package io.ragline.model;

/** Receives one streamed completion. Exactly one of {@link #onComplete} and {@link #onError} is called, once. */
public interface StreamListener {

    void onToken(String token);

    void onComplete(Completion completion);

    /**
     * The stream failed; {@code tokensSent} tells whether the listener already received part of the answer (nothing
     * is retried after that).
     */
    void onError(ModelUnavailableException error, boolean tokensSent);

    /** Polled while streaming: true once the consumer went away, which cancels the call on the model server. */
    default boolean cancelled() {
        return false;
    }
}
