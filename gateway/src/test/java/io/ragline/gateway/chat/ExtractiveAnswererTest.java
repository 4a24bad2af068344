package io.ragline.gateway.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragline.retriever.api.SearchResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExtractiveAnswererTest {

    private static Passage passage(int n, String text, double similarity) {
        return new Passage(
                n,
                new SearchResponse.Hit(
                        n,
                        similarity,
                        "c" + n,
                        "d" + n,
                        "T" + n,
                        "api",
                        null,
                        0,
                        text,
                        null,
                        0,
                        text.length(),
                        n,
                        similarity,
                        0,
                        0));
    }

    @Test
    void splitsSentencesAtTerminatorsParagraphsAndListItems() {
        assertThat(ExtractiveAnswerer.sentences("First one. Second one! Third?\n\n# Heading\n- item one\n- item two"))
                .containsExactly("First one.", "Second one!", "Third?", "# Heading", "- item one", "- item two");
        assertThat(ExtractiveAnswerer.sentences("Version 3.5 is out. It works, e.g. here."))
                .containsExactly("Version 3.5 is out.", "It works, e.g. here.");
    }

    @Test
    void picksTheSentenceThatCoversTheQuestionAndCitesIt() {
        List<Passage> passages = List.of(
                passage(1, "The cafeteria opens at eight. Parking is free for staff.", 0.7),
                passage(
                        2,
                        "Vacation requests go to your manager. Employees get 30 days of paid vacation per year.",
                        0.65));

        List<ExtractiveAnswerer.Sentence> chosen =
                ExtractiveAnswerer.select("How many vacation days do employees get?", passages, 2);

        assertThat(chosen.get(0).text()).isEqualTo("Employees get 30 days of paid vacation per year.");
        assertThat(chosen.get(0).source()).isEqualTo(2);
        assertThat(ExtractiveAnswerer.answer(chosen.subList(0, 1)))
                .isEqualTo("Employees get 30 days of paid vacation per year [2].");
    }

    @Test
    void sentencesFarBelowTheBestAreLeftOut() {
        List<Passage> passages =
                List.of(passage(1, "Kafka consumers in a group share partitions. The weather was nice.", 0.8));

        List<ExtractiveAnswerer.Sentence> chosen =
                ExtractiveAnswerer.select("How do Kafka consumers in a group share partitions?", passages, 3);

        assertThat(chosen)
                .extracting(ExtractiveAnswerer.Sentence::text)
                .containsExactly("Kafka consumers in a group share partitions.");
    }

    @Test
    void termsDropStopWordsAndPluralS() {
        assertThat(ExtractiveAnswerer.terms("What are the Partitions of these topics?"))
                .containsExactly("partition", "topic");
    }
}
