package io.ragline.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Versioned prompt files on the class path, and the lists prompts hold. */
public final class Prompts {

    private Prompts() {}

    /** The text of {@code name} (e.g. {@code prompts/review.v1.txt}) from {@code owner}'s class path, trimmed. */
    public static String load(Class<?> owner, String name) {
        try (InputStream in = owner.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Numbered items, one per line ({@code 1. first}), for a prompt. */
    public static String numbered(List<String> items) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            b.append(i + 1).append(". ").append(items.get(i)).append('\n');
        }
        return b.toString();
    }

    /** The non-blank strings of a model's list, stripped (a missing list reads as empty). */
    public static List<String> nonBlank(List<String> texts) {
        return texts == null
                ? List.of()
                : texts.stream()
                        .filter(t -> t != null && !t.isBlank())
                        .map(String::strip)
                        .toList();
    }
}
