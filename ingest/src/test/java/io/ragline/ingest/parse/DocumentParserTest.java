package io.ragline.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DocumentParserTest {

    private final DocumentParser parser = new DocumentParser(1_000_000);

    @Test
    void pdfTextAndTitle() throws Exception {
        DocumentParser.Parsed parsed =
                parser.parse(Fixtures.pdf("Travel policy", "Trains beat planes under five hours."), "travel.pdf", null);

        assertThat(parsed.text()).contains("Trains beat planes under five hours.");
        assertThat(parsed.title()).isEqualTo("Travel policy");
        assertThat(parsed.mediaType()).isEqualTo("application/pdf");
    }

    @Test
    void officeFormats() throws Exception {
        assertThat(parser.parse(Fixtures.docx("Handbook", "Vacation is thirty days."), "h.docx", null))
                .satisfies(p -> {
                    assertThat(p.text()).contains("Vacation is thirty days.");
                    assertThat(p.title()).isEqualTo("Handbook");
                });
        assertThat(parser.parse(Fixtures.pptx("Quarterly roadmap: search first"), "r.pptx", null)
                        .text())
                .contains("Quarterly roadmap: search first");
        assertThat(parser.parse(Fixtures.xlsx("Budget 2027", "42000"), "b.xlsx", null)
                        .text())
                .contains("Budget 2027")
                .contains("42000");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "notes.txt|Plain words here.|Plain words here.",
                "readme.md|# Title\\n\\nSome *markdown* text.|Some *markdown* text.",
                "page.html|<html><head><title>T</title></head><body><h1>Head</h1><p>Para text.</p></body></html>|Para text.",
                "data.csv|name,score\\nada,3|ada,3",
                "data.json|{\"answer\": \"forty two\"}|forty two",
                "Main.java|public class Main { int answer() { return 42; } }|int answer()",
                "tool.py|def answer():\\n    return 42|def answer()"
            })
    void textFormats(String fileName, String content, String expected) throws Exception {
        assertThat(parser.parse(Fixtures.utf8(content.replace("\\n", "\n")), fileName, null)
                        .text())
                .contains(expected);
    }

    @Test
    void htmlTitleIsKept() throws Exception {
        String html = "<html><head><title>Release notes</title></head><body><p>Fixed a bug.</p></body></html>";
        assertThat(parser.parse(Fixtures.utf8(html), "notes.html", null).title())
                .isEqualTo("Release notes");
    }

    @Test
    void anEncryptedPdfFailsWithAReason() {
        assertThatThrownBy(() -> parser.parse(Fixtures.encryptedPdf("secret text"), "locked.pdf", null))
                .isInstanceOf(DocumentParser.UnparseableException.class)
                .hasMessageContaining("encrypted");
    }

    @Test
    void anEmptyDocumentFailsWithAReason() {
        assertThatThrownBy(() -> parser.parse(new byte[0], "empty.txt", null))
                .isInstanceOf(DocumentParser.UnparseableException.class)
                .hasMessageContaining("no text found");
    }

    @Test
    void garbageClaimingToBeAPdfFailsWithAReason() {
        assertThatThrownBy(() -> parser.parse(Fixtures.utf8("%PDF-1.7 not really"), "broken.pdf", "application/pdf"))
                .isInstanceOf(DocumentParser.UnparseableException.class)
                .hasMessageContaining("could not be read");
    }

    @Test
    void normalizationKeepsParagraphsAndDropsNoise() {
        assertThat(DocumentParser.normalize("\n\nA  \r\n\r\n\r\nB\u00a0c\n\n")).isEqualTo("A\n\nB c");
    }
}
