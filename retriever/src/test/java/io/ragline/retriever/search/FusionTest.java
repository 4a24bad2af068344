package io.ragline.retriever.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ragline.retriever.search.Fusion.Fused;
import io.ragline.retriever.search.Fusion.Scored;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FusionTest {

    private static final List<Scored> VECTOR =
            List.of(new Scored("a", 0.9), new Scored("b", 0.8), new Scored("c", 0.5));
    private static final List<Scored> KEYWORD = List.of(new Scored("c", 12.0), new Scored("d", 3.0));

    @Test
    void reciprocalRankFusionSumsWeightedReciprocalRanks() {
        List<Fused> fused = Fusion.rrf(VECTOR, KEYWORD, 60, 1.0, 1.0);

        // c: 1/(60+3) + 1/(60+1); a: 1/61; b: 1/62; d: 1/62 (b before d by id)
        assertThat(fused).extracting(Fused::chunkId).containsExactly("c", "a", "b", "d");
        assertThat(fused.get(0).score()).isCloseTo(1.0 / 63 + 1.0 / 61, within(1e-12));
        assertThat(fused.get(0).vectorRank()).isEqualTo(3);
        assertThat(fused.get(0).keywordRank()).isEqualTo(1);
        assertThat(fused.get(3).vectorRank()).isZero();
    }

    @Test
    void weightsShiftTheBalance() {
        List<Fused> vectorHeavy = Fusion.rrf(VECTOR, KEYWORD, 0, 10.0, 1.0);
        assertThat(vectorHeavy.get(0).chunkId()).isEqualTo("a");
    }

    @Test
    void convexCombinationScoresEveryCandidateOnBothSides() {
        // d was found by BM25 only, but its cosine is known (0.6); a and b contain no query term (BM25 0)
        Map<String, Double> cosines = Map.of("a", 0.9, "b", 0.8, "c", 0.5, "d", 0.6);
        Map<String, Double> bm25 = Map.of("c", 12.0, "d", 3.0);
        List<Fused> fused = Fusion.convex(VECTOR, KEYWORD, cosines, bm25, 0.5, 0.5, 40);

        // over {a, b, c, d}: cosine 0.5..0.9 -> a 1, b 0.75, d 0.25, c 0; BM25 0..12 -> c 1, d 0.25, a b 0
        assertThat(fused).extracting(Fused::chunkId).containsExactly("a", "c", "b", "d");
        assertThat(fused.get(0).score()).isCloseTo(0.5, within(1e-12));
        assertThat(fused.get(1).score()).isCloseTo(0.5, within(1e-12));
        assertThat(fused.get(2).score()).isCloseTo(0.375, within(1e-12));
        assertThat(fused.get(3).score()).isCloseTo(0.5 * 0.25 + 0.5 * 0.25, within(1e-12));
        assertThat(fused.get(3).vectorScore()).isEqualTo(0.6);
        assertThat(fused.get(3).vectorRank()).isZero();
    }

    @Test
    void aSingleCandidateNormalisesToOne() {
        List<Fused> fused =
                Fusion.convex(List.of(new Scored("x", 0.3)), List.of(), Map.of("x", 0.3), Map.of(), 0.7, 0.3, 40);
        assertThat(fused).singleElement().satisfies(f -> assertThat(f.score()).isCloseTo(1.0, within(1e-12)));
    }

    @Test
    void deeperCandidatesAreScoredAgainstTheRangeOfTheFirstOnes() {
        // a and b are each side's best two; c and d only come along when a caller asks for more results
        List<Scored> vectorHead = List.of(new Scored("a", 0.9), new Scored("b", 0.8));
        List<Scored> keywordHead = List.of(new Scored("b", 10.0), new Scored("a", 2.0));
        List<Scored> vectorDeep = List.of(new Scored("a", 0.9), new Scored("b", 0.8), new Scored("c", 0.1));
        List<Scored> keywordDeep = List.of(new Scored("b", 10.0), new Scored("a", 2.0), new Scored("d", 0.5));
        Map<String, Double> cosines = Map.of("a", 0.9, "b", 0.8, "c", 0.1, "d", 0.2);
        Map<String, Double> bm25 = Map.of("a", 2.0, "b", 10.0, "c", 0.0, "d", 0.5);

        // over the first two of each side: cosine 0.8..0.9, BM25 2..10 -> a 0.6 * 1 + 0.4 * 0 = 0.6, b 0.4
        List<Fused> head = Fusion.convex(vectorHead, keywordHead, cosines, bm25, 0.6, 0.4, 2);
        List<Fused> deep = Fusion.convex(vectorDeep, keywordDeep, cosines, bm25, 0.6, 0.4, 2);
        assertThat(head).extracting(Fused::chunkId).containsExactly("a", "b");
        assertThat(deep).extracting(Fused::chunkId).startsWith("a", "b");
        assertThat(deep.get(0).score()).isCloseTo(head.get(0).score(), within(1e-12));
        // c and d score below the anchored minimum on the vector side: negative there, still ranked after the head
        assertThat(deep).extracting(Fused::chunkId).containsExactly("a", "b", "d", "c");

        // normalised over all four instead, c's low cosine and BM25 0 stretch both ranges and b overtakes a
        List<Fused> unanchored = Fusion.convex(vectorDeep, keywordDeep, cosines, bm25, 0.6, 0.4, 4);
        assertThat(unanchored).extracting(Fused::chunkId).startsWith("b", "a");
    }
}
