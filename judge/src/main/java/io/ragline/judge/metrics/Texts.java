package io.ragline.judge.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/** How the metrics put data into their prompts and read lists out of the answers. */
final class Texts {

    private Texts() {}

    /** The non-blank strings, stripped (a null list reads as empty). */
    static List<String> nonBlank(List<String> texts) {
        List<String> out = new ArrayList<>();
        if (texts != null) {
            texts.stream()
                    .filter(t -> t != null && !t.isBlank())
                    .map(String::strip)
                    .forEach(out::add);
        }
        return out;
    }

    /** 0/1 verdicts, read from each entry (anything but 1 counts as 0). */
    static <T> List<Integer> verdicts(List<T> entries, ToIntFunction<T> verdict) {
        List<Integer> out = new ArrayList<>();
        entries.forEach(e -> out.add(e != null && verdict.applyAsInt(e) == 1 ? 1 : 0));
        return out;
    }

    /** Numbered items, one per line. */
    static String numbered(List<String> items) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            b.append(i + 1).append(". ").append(items.get(i)).append('\n');
        }
        return b.toString();
    }

    /** Passages one after the other, each followed by a blank line. */
    static String passages(List<String> contexts) {
        StringBuilder b = new StringBuilder();
        contexts.forEach(c -> b.append(c).append("\n\n"));
        return b.toString();
    }
}
