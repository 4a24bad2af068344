package io.ragline.ingest.parse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.tika.exception.EncryptedDocumentException;
import org.apache.tika.exception.TikaException;
import org.apache.tika.exception.WriteLimitReachedException;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.sax.BodyContentHandler;
import org.xml.sax.SAXException;

/**
 * Turns a document's bytes into text with Apache Tika (txt, md, html, pdf, docx, pptx, xlsx, csv, json, source code,
 * and everything else Tika's standard parsers read), keeping its title and basic metadata. Thread-safe.
 */
public final class DocumentParser {

    /** The text of a document and what Tika learned about it. */
    public record Parsed(String text, String title, String mediaType, Map<String, String> metadata) {}

    /** A document that cannot be turned into text, with a reason a user can act on. */
    public static final class UnparseableException extends Exception {
        public UnparseableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final AutoDetectParser parser = new AutoDetectParser();
    private final int maxChars;

    /** @param maxChars most characters extracted; longer documents fail rather than being silently cut */
    public DocumentParser(int maxChars) {
        this.maxChars = maxChars;
    }

    public Parsed parse(byte[] bytes, String fileName, String declaredMediaType) throws UnparseableException {
        if (bytes.length == 0) {
            throw new UnparseableException("no text found in the document (it is empty)", null);
        }
        Metadata metadata = new Metadata();
        if (fileName != null) {
            metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, fileName);
        }
        if (declaredMediaType != null && !declaredMediaType.isBlank()) {
            metadata.set(Metadata.CONTENT_TYPE, declaredMediaType);
        }
        BodyContentHandler handler = new BodyContentHandler(maxChars);
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            parser.parse(in, handler, metadata, new ParseContext());
        } catch (EncryptedDocumentException e) {
            throw new UnparseableException(
                    "the document is encrypted (password-protected); upload an unprotected copy", e);
        } catch (SAXException e) {
            if (WriteLimitReachedException.isWriteLimitReached(e)) {
                throw new UnparseableException(
                        "the document has more than " + maxChars + " characters of text; split it", e);
            }
            throw new UnparseableException("the document could not be read: " + e.getMessage(), e);
        } catch (TikaException | IOException | RuntimeException e) {
            throw new UnparseableException("the document could not be read (" + describe(e) + ")", e);
        }
        String text = normalize(handler.toString());
        if (text.isBlank()) {
            throw new UnparseableException("no text found in the document (empty, or an image without OCR)", null);
        }
        Map<String, String> found = new LinkedHashMap<>();
        for (String name : new String[] {"dc:creator", "dcterms:created", "dcterms:modified", "dc:language"}) {
            String value = metadata.get(name);
            if (value != null && !value.isBlank()) {
                found.put(name, value);
            }
        }
        String title = metadata.get(TikaCoreProperties.TITLE);
        String mediaType = metadata.get(Metadata.CONTENT_TYPE);
        return new Parsed(text, title == null || title.isBlank() ? null : title.trim(), mediaType, Map.copyOf(found));
    }

    /** Unix newlines, no trailing spaces, at most one blank line in a row. */
    static String normalize(String text) {
        String unix = text.replace("\r\n", "\n").replace('\r', '\n').replace('\u00a0', ' ');
        StringBuilder out = new StringBuilder(unix.length());
        int blank = 0;
        for (String line : unix.split("\n", -1)) {
            String trimmed = line.stripTrailing();
            if (trimmed.isEmpty()) {
                if (++blank > 1 || out.isEmpty()) {
                    continue;
                }
            } else {
                blank = 0;
            }
            out.append(trimmed).append('\n');
        }
        return out.toString().strip();
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
