package io.ragline.retriever.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ragline.retriever.search.Fusion.Fused;
import io.ragline.retriever.search.Fusion.Scored;
import java.util.List;
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
    void convexCombinationNormalisesEachRanking() {
        List<Fused> fused = Fusion.convex(VECTOR, KEYWORD, 0.5, 0.5);

        // vector min-max: a 1, b 0.75, c 0; keyword: c 1, d 0. a and c tie at 0.5 (id order), then b 0.375, d 0
        assertThat(fused).extracting(Fused::chunkId).containsExactly("a", "c", "b", "d");
        assertThat(fused.get(0).score()).isCloseTo(0.5, within(1e-12));
        assertThat(fused.get(1).score()).isCloseTo(0.5 * 0 + 0.5 * 1, within(1e-12));
        assertThat(fused.get(2).score()).isCloseTo(0.375, within(1e-12));
        assertThat(fused.get(3).score()).isZero();
    }

    @Test
    void aSingleCandidateRankingNormalisesToOne() {
        List<Fused> fused = Fusion.convex(List.of(new Scored("x", 0.3)), List.of(), 0.7, 0.3);
        assertThat(fused).singleElement().satisfies(f -> assertThat(f.score()).isCloseTo(0.7, within(1e-12)));
    }
}
