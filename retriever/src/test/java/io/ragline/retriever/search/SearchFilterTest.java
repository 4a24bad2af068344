package io.ragline.retriever.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class SearchFilterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static SearchFilter parse(String json) throws Exception {
        return SearchFilter.parse(JSON.readTree(json));
    }

    @Test
    void noFilterAddsNothing() throws Exception {
        assertThat(SearchFilter.parse(null)).isEqualTo(SearchFilter.NONE);
        assertThat(parse("null")).isEqualTo(SearchFilter.NONE);
        assertThat(parse("{}").sql()).isEmpty();
    }

    @Test
    void everyValueIsABoundParameter() throws Exception {
        SearchFilter f = parse("{\"documentIds\":[\"a\",\"b\"],\"sources\":[\"upload\"],"
                + "\"metadata\":{\"team\":\"search\",\"lang\":{\"in\":[\"en\",\"de\"]},\"year\":{\"gte\":2020,\"lt\":2025},"
                + "\"date\":{\"lte\":\"2024-12-31\"}}}");

        assertThat(f.needsDocuments()).isTrue();
        assertThat(f.sql())
                .contains("c.document_id = ANY (?)")
                .contains("d.source = ANY (?)")
                .contains("d.metadata @> ?::jsonb")
                .contains(">= ?")
                .contains("< ?")
                .doesNotContain("search", "2020", "2024", "'en'", "de");
        assertThat(f.parameters())
                .contains("{\"team\":\"search\"}", "{\"lang\":\"en\"}", "{\"lang\":\"de\"}", "year", "date")
                .contains(new BigDecimal("2020"), new BigDecimal("2025"), "2024-12-31");
        assertThat(f.sql().chars().filter(ch -> ch == '?').count())
                .isEqualTo(f.parameters().size());
    }

    @Test
    void documentIdsAloneNeedNoJoin() throws Exception {
        assertThat(parse("{\"documentIds\":[\"a\"]}").needsDocuments()).isFalse();
    }

    @Test
    void anInjectionAttemptStaysAValue() throws Exception {
        String evil = "x' OR '1'='1'; DROP TABLE chunks; --";
        SearchFilter f = parse("{\"metadata\":{\"team\":" + JSON.writeValueAsString(evil) + "},\"sources\":["
                + JSON.writeValueAsString(evil) + "]}");

        assertThat(f.sql()).doesNotContain("DROP").doesNotContain("'1'");
        assertThat(f.parameters()).anySatisfy(p -> assertThat(p.toString()).contains("DROP TABLE"));
    }

    @Test
    void invalidFiltersSayWhatIsWrong() {
        assertThatThrownBy(() -> parse("[1]")).hasMessageContaining("filters must be an object");
        assertThatThrownBy(() -> parse("{\"tenant\":\"other\"}"))
                .isInstanceOf(InvalidSearchException.class)
                .hasMessageContaining("unknown filter 'tenant'");
        assertThatThrownBy(() -> parse("{\"documentIds\":\"a\"}")).hasMessageContaining("filters.documentIds must be");
        assertThatThrownBy(() -> parse("{\"documentIds\":[1]}")).hasMessageContaining("filters.documentIds[0]");
        assertThatThrownBy(() -> parse("{\"metadata\":{\"a b\":\"x\"}}")).hasMessageContaining("metadata key 'a b'");
        assertThatThrownBy(() -> parse("{\"metadata\":{\"year\":{\"between\":[1,2]}}}"))
                .hasMessageContaining("unknown operator 'between'");
        assertThatThrownBy(() -> parse("{\"metadata\":{\"year\":{}}}")).hasMessageContaining("has no operator");
        assertThatThrownBy(() -> parse("{\"metadata\":{\"year\":{\"gt\":true}}}"))
                .hasMessageContaining("filters.metadata.year.gt must be a number or a string");
        assertThatThrownBy(() -> parse("{\"metadata\":{\"lang\":{\"in\":[]}}}"))
                .hasMessageContaining("filters.metadata.lang.in must be a list");
        assertThatThrownBy(() -> parse("{\"metadata\":{\"lang\":[\"en\"]}}"))
                .hasMessageContaining("must be a string, a number or a boolean");
    }

    @Test
    void equalityIsTypeExact() throws Exception {
        JsonNode one = JSON.readTree("{\"metadata\":{\"n\":1}}");
        JsonNode text = JSON.readTree("{\"metadata\":{\"n\":\"1\"}}");
        assertThat(SearchFilter.parse(one).parameters()).containsExactly("{\"n\":1}");
        assertThat(SearchFilter.parse(text).parameters()).containsExactly("{\"n\":\"1\"}");
    }
}
