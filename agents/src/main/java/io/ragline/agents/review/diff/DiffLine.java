package io.ragline.agents.review.diff;

/**
 * One line of a hunk.
 *
 * @param kind {@code ' '} context, {@code '+'} added, {@code '-'} removed
 * @param text the line without its marker
 * @param oldLine line number in the base file (0 for an added line)
 * @param newLine line number in the head file (0 for a removed line)
 * @param position GitHub's diff position: lines below the file's first {@code @@} header, counting later headers too
 */
public record DiffLine(char kind, String text, int oldLine, int newLine, int position) {

    public boolean added() {
        return kind == '+';
    }

    public boolean removed() {
        return kind == '-';
    }
}
