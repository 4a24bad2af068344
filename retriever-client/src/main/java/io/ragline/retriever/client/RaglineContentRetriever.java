package io.ragline.retriever.client;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.query.Query;
import io.ragline.retriever.api.SearchRequest;
import io.ragline.retriever.api.SearchResponse;
import java.util.List;
import java.util.Map;

/**
 * ragline's search as a LangChain4j {@link ContentRetriever}, for RAG pipelines and AI services in the gateway and the
 * agents. Each {@link Content} carries the chunk text; its segment metadata holds {@code chunk_id},
 * {@code document_id}, {@code title}, {@code heading_path}, {@code start_offset} and {@code end_offset} (for
 * citations) and its content metadata the retriever's {@link ContentMetadata#SCORE}.
 */
public final class RaglineContentRetriever implements ContentRetriever {

    private final RetrieverClient client;
    private final String tenant;
    private final SearchRequest template;

    /**
     * @param template topK, mode, filters and MMR for every query (its query text is ignored)
     */
    public RaglineContentRetriever(RetrieverClient client, String tenant, SearchRequest template) {
        this.client = client;
        this.tenant = tenant;
        this.template = template;
    }

    @Override
    public List<Content> retrieve(Query query) {
        return client.search(tenant, template.withQuery(query.text())).stream()
                .map(RaglineContentRetriever::content)
                .toList();
    }

    static Content content(SearchResponse.Hit hit) {
        Metadata metadata = new Metadata()
                .put("chunk_id", hit.chunkId())
                .put("document_id", hit.documentId())
                .put("start_offset", hit.startOffset())
                .put("end_offset", hit.endOffset());
        if (hit.title() != null) {
            metadata.put("title", hit.title());
        }
        if (hit.headingPath() != null) {
            metadata.put("heading_path", hit.headingPath());
        }
        return Content.from(TextSegment.from(hit.text(), metadata), Map.of(ContentMetadata.SCORE, hit.score()));
    }
}
