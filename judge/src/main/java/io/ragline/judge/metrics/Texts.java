package io.ragline.judge.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/** How the metrics put data into their prompts and read lists out of the answers. */
final class Texts {

    private Texts() {}

    /** 0/1 verdicts, read from each entry (anything but 1 counts as 0). */
    static <T> List<Integer> verdicts(List<T> entries, ToIntFunction<T> verdict) {
        List<Integer> out = new ArrayList<>();
        entries.forEach(e -> out.add(e != null && verdict.applyAsInt(e) == 1 ? 1 : 0));
        return out;
    }

    /** Passages one after the other, each followed by a blank line. */
    static String passages(List<String> contexts) {
        StringBuilder b = new StringBuilder();
        contexts.forEach(c -> b.append(c).append("\n\n"));
        return b.toString();
    }
}
