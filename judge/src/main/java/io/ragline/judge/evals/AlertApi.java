package io.ragline.judge.evals;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.core.MediaType;

/** The regression alert's webhook ({@code judge.evals.alert-webhook}): one JSON POST to the configured URL. */
public interface AlertApi {

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    void alert(String body);
}
