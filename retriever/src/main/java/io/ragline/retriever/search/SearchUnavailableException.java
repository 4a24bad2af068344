package io.ragline.retriever.search;

/** A search that cannot run now (its query embedding server failed): a 503 with the reason. */
public class SearchUnavailableException extends RuntimeException {

    public SearchUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
