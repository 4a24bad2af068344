package io.ragline.judge.exports;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.ragline.contracts.answer.api.AnswersApi;
import io.ragline.contracts.answer.api.AnswersApi.Answer;
import io.ragline.contracts.answer.api.AnswersApi.AnswerPage;
import io.ragline.judge.config.JudgeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.faulttolerance.Retry;

/**
 * The gateway's answers API ({@link AnswersApi}), which owns answered turns and users' feedback. The client is built
 * from {@code judge.evals.gateway-url} (the one gateway address the judge has) with the export timeout; a page the
 * network lost is asked again.
 */
@ApplicationScoped
public class GatewayAnswers {

    @Path(AnswersApi.PATH)
    @Produces(MediaType.APPLICATION_JSON)
    public interface Client {
        @GET
        AnswerPage page(
                @HeaderParam("Authorization") String authorization,
                @QueryParam("tenant") String tenant,
                @QueryParam("rated") boolean rated,
                @QueryParam("limit") int limit,
                @QueryParam("after") String after);
    }

    /** Why the gateway's answers could not be read. */
    public static class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message);
        }
    }

    @Inject
    JudgeConfig config;

    private volatile Client client;

    /** One page of a tenant's answers after the cursor (null: from the start). */
    @Retry(maxRetries = 2, delay = 200, retryOn = ProcessingException.class)
    public AnswerPage page(String tenant, boolean rated, String after) {
        String token = config.exports()
                .gatewayAdminToken()
                .filter(t -> !t.isBlank())
                .orElseThrow(
                        () -> new Unavailable(
                                "exports read the gateway's answers with its admin token: set judge.exports.gateway-admin-token"));
        try {
            AnswerPage page = client().page(
                            "Bearer " + token, tenant, rated, config.exports().pageSize(), after);
            return page.answers() == null ? new AnswerPage(List.<Answer>of(), null) : page;
        } catch (WebApplicationException e) {
            throw new Unavailable(
                    "the gateway refused its answers (" + e.getResponse().getStatus() + "): " + e.getMessage());
        }
    }

    private Client client() {
        Client c = client;
        if (c == null) {
            long timeout = config.exports().timeout().toMillis();
            c = QuarkusRestClientBuilder.newBuilder()
                    .baseUri(URI.create(config.evals().gatewayUrl()))
                    .connectTimeout(Math.min(timeout, 5_000), TimeUnit.MILLISECONDS)
                    .readTimeout(timeout, TimeUnit.MILLISECONDS)
                    .build(Client.class);
            client = c;
        }
        return c;
    }
}
