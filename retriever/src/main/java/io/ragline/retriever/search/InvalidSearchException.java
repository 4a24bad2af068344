package io.ragline.retriever.search;

/** A search request the retriever refuses, with the reason the caller gets back in a 400. */
public class InvalidSearchException extends RuntimeException {

    public InvalidSearchException(String reason) {
        super(reason);
    }
}
