package io.ragline.agents.review.diff;

import java.util.List;
import java.util.Optional;

/**
 * The changes of one file.
 *
 * @param path path in the head commit (the old path for a deleted file)
 * @param oldPath path in the base commit (differs from {@code path} for a rename)
 * @param status {@code added}, {@code modified}, {@code deleted}, {@code renamed}
 * @param binary whether git reported the file as binary (no hunks)
 */
public record FileDiff(String path, String oldPath, String status, boolean binary, List<Hunk> hunks) {

    public long added() {
        return hunks.stream().mapToLong(Hunk::added).sum();
    }

    public long removed() {
        return hunks.stream().mapToLong(Hunk::removed).sum();
    }

    /**
     * The lines of the hunk around {@code line} of {@code side}, at most {@code around} before and after, each prefixed
     * by its diff marker ({@code +}, {@code -} or a space) and the line itself marked {@code >}; empty when the line is
     * not in the diff.
     */
    public String excerpt(int line, String side, int around) {
        for (Hunk h : hunks) {
            List<DiffLine> lines = h.lines();
            for (int i = 0; i < lines.size(); i++) {
                if (at(lines.get(i), line, side)) {
                    StringBuilder b = new StringBuilder();
                    for (int j = Math.max(0, i - around); j <= Math.min(lines.size() - 1, i + around); j++) {
                        DiffLine l = lines.get(j);
                        b.append(j == i ? '>' : ' ')
                                .append(l.kind())
                                .append(l.text())
                                .append('\n');
                    }
                    return b.toString();
                }
            }
        }
        return "";
    }

    private static boolean at(DiffLine l, int line, String side) {
        return "LEFT".equalsIgnoreCase(side) ? !l.added() && l.oldLine() == line : !l.removed() && l.newLine() == line;
    }

    /**
     * The diff line a review comment on {@code line} of {@code side} ({@code RIGHT}: the head file, {@code LEFT}: the
     * base file) attaches to; empty when the line is not part of the diff, where GitHub refuses comments.
     */
    public Optional<DiffLine> commentable(int line, String side) {
        for (Hunk h : hunks) {
            for (DiffLine l : h.lines()) {
                if (at(l, line, side)) {
                    return Optional.of(l);
                }
            }
        }
        return Optional.empty();
    }
}
