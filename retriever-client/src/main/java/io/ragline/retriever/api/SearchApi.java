package io.ragline.retriever.api;

/** Where the retriever serves search and how a caller names the tenant: the contract both sides compile against. */
public final class SearchApi {

    /** The search endpoint, relative to the retriever's base URL. */
    public static final String PATH = "/v1/search";

    /** Header carrying the tenant the gateway authenticated; the retriever is an internal service. */
    public static final String TENANT_HEADER = "Ragline-Tenant";

    private SearchApi() {}
}
