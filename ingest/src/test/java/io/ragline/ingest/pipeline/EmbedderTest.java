package io.ragline.ingest.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragline.contracts.document.DocumentSubmitted;
import io.ragline.ingest.pipeline.ChunkPreparer.Prepared;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EmbedderTest {

    private static Prepared document(String id, int chunks) {
        DocumentSubmitted event =
                DocumentSubmitted.of("acme", id, id, "test", "text/plain", "h" + id, 1, "text", null, Map.of());
        List<StoredChunk> stored = new ArrayList<>();
        IntStream.range(0, chunks)
                .forEach(i -> stored.add(new StoredChunk(id + i, i, "text " + i, "c" + i, 0, 4, "", null)));
        return new Prepared(event, "{}", stored, 0);
    }

    @Test
    void groupsCloseAtTwiceTheBatchSizeWithoutSplittingADocument() {
        List<Prepared> docs = List.of(document("a", 5), document("b", 4), document("c", 1), document("d", 9));

        List<List<Prepared>> groups = Embedder.groups(docs, 4);

        assertThat(groups).hasSize(2);
        assertThat(groups.get(0)).extracting(p -> p.event().documentId()).containsExactly("a", "b");
        assertThat(groups.get(1)).extracting(p -> p.event().documentId()).containsExactly("c", "d");
    }

    @Test
    void everyDocumentIsInExactlyOneGroupInOrder() {
        List<Prepared> docs = IntStream.range(0, 40)
                .mapToObj(i -> document("d" + i, 1 + i % 7))
                .toList();

        List<List<Prepared>> groups = Embedder.groups(docs, 8);

        assertThat(groups.stream().flatMap(List::stream).toList()).containsExactlyElementsOf(docs);
        assertThat(groups).allSatisfy(g -> assertThat(g).isNotEmpty());
        // every group but the last reached the threshold, and none went on past the document that reached it
        for (List<Prepared> g : groups.subList(0, groups.size() - 1)) {
            int total = g.stream().mapToInt(p -> p.chunks().size()).sum();
            int withoutLast = total - g.get(g.size() - 1).chunks().size();
            assertThat(total).isGreaterThanOrEqualTo(16);
            assertThat(withoutLast).isLessThan(16);
        }
    }
}
