package io.ragline.retriever.rerank;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;

/**
 * An external cross-encoder reranker's {@code POST /rerank} (Text Embeddings Inference, vLLM, Cohere-compatible
 * servers), as a Quarkus REST Client. The answer is read as text: the servers differ in its shape and some send no
 * content type.
 */
public interface RerankApi {

    @POST
    @Path("/rerank")
    @Consumes(MediaType.APPLICATION_JSON)
    String rerank(JsonNode request);
}
