package io.ragline.gateway.access;

import jakarta.enterprise.context.RequestScoped;

/**
 * Who is calling, for the current request: the tenant every query and write is scoped to, and the API key (if any)
 * whose limits apply. Set by {@link AccessFilter} before any resource runs.
 */
@RequestScoped
public class Caller {

    private String tenant;
    private String keyId;

    void set(String tenant, String keyId) {
        this.tenant = tenant;
        this.keyId = keyId;
    }

    public String tenant() {
        if (tenant == null) {
            throw new IllegalStateException("no tenant resolved for this request");
        }
        return tenant;
    }

    /** The API key's id, or null when the request carried none (access control off). */
    public String keyId() {
        return keyId;
    }
}
