package io.ragline.gateway.explain;

import io.ragline.gateway.access.ApiKeys;
import io.ragline.gateway.access.Caller;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** {@code POST /v1/explain}: a structured explanation of code, pasted or indexed. */
@Path("/v1/explain")
public class ExplainResource {

    @Inject
    CodeExplainer explainer;

    @Inject
    Caller caller;

    @Inject
    ApiKeys keys;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Explain code: summary, step by step, risks, related indexed code",
            description = "Send {code, language?} or {documentId} of an indexed file. Without a model server the answer"
                    + " has mode 'extractive': the outline of declarations and related code, and says a model is"
                    + " needed for the explanation.")
    public CodeExplainer.Explanation explain(CodeExplainer.ExplainRequest request) {
        CodeExplainer.Explanation e = explainer.explain(caller.tenant(), request);
        keys.spend(caller.keyId(), e.promptTokens() + e.completionTokens());
        return e;
    }
}
