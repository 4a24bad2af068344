package io.ragline.agents.review.diff;

import java.util.List;

/** One {@code @@ -oldStart,oldCount +newStart,newCount @@ section} block and its lines. */
public record Hunk(int oldStart, int oldCount, int newStart, int newCount, String header, List<DiffLine> lines) {

    public long added() {
        return lines.stream().filter(DiffLine::added).count();
    }

    public long removed() {
        return lines.stream().filter(DiffLine::removed).count();
    }

    /** The hunk as unified-diff text, header included. */
    public String text() {
        StringBuilder out = new StringBuilder(header).append('\n');
        for (DiffLine l : lines) {
            out.append(l.kind()).append(l.text()).append('\n');
        }
        return out.toString();
    }
}
