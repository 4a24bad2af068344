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
     * The diff line a review comment on {@code line} of {@code side} ({@code RIGHT}: the head file, {@code LEFT}: the
     * base file) attaches to; empty when the line is not part of the diff, where GitHub refuses comments.
     */
    public Optional<DiffLine> commentable(int line, String side) {
        boolean right = !"LEFT".equalsIgnoreCase(side);
        for (Hunk h : hunks) {
            for (DiffLine l : h.lines()) {
                if (right ? (!l.removed() && l.newLine() == line) : (!l.added() && l.oldLine() == line)) {
                    return Optional.of(l);
                }
            }
        }
        return Optional.empty();
    }
}
