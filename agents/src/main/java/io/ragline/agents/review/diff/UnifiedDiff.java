package io.ragline.agents.review.diff;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses unified diffs: a whole {@code git diff} (several files, {@code diff --git} headers, renames, new and deleted
 * files, binaries) or one file's {@code patch} as GitHub's pull-request files API returns it (hunks only). Each hunk
 * consumes exactly the lines its header declares, so a removed line that happens to read {@code --- x} is never taken
 * for a file header. Line numbers come from the hunk headers; positions follow GitHub's definition for review
 * comments (1 = the line below the file's first {@code @@}; later {@code @@} lines count too).
 */
public final class UnifiedDiff {

    private static final Pattern HUNK = Pattern.compile("^@@ -(\\d+)(?:,(\\d+))? \\+(\\d+)(?:,(\\d+))? @@.*");
    private static final Pattern GIT_HEADER = Pattern.compile("^diff --git a/(.+) b/(.+)$");

    private UnifiedDiff() {}

    /** A file being read. */
    private static final class Builder {
        String oldPath;
        String newPath;
        boolean created;
        boolean deleted;
        boolean binary;
        int position;
        final List<Hunk> hunks = new ArrayList<>();

        FileDiff build() {
            String status = created ? "added" : deleted ? "deleted" : !oldPath.equals(newPath) ? "renamed" : "modified";
            return new FileDiff(deleted ? oldPath : newPath, oldPath, status, binary, List.copyOf(hunks));
        }
    }

    /** Every file of a diff. */
    public static List<FileDiff> parse(String diff) {
        List<FileDiff> files = new ArrayList<>();
        String[] lines = lines(diff);
        Builder file = null;
        int i = 0;
        while (i < lines.length) {
            String l = lines[i];
            Matcher git = GIT_HEADER.matcher(l);
            if (git.matches()) {
                if (file != null) {
                    files.add(file.build());
                }
                file = new Builder();
                file.oldPath = git.group(1);
                file.newPath = git.group(2);
                i++;
            } else if (l.startsWith("--- ") && i + 1 < lines.length && lines[i + 1].startsWith("+++ ")) {
                if (file == null || !file.hunks.isEmpty()) {
                    if (file != null) {
                        files.add(file.build());
                    }
                    file = new Builder();
                }
                String from = l.substring(4);
                String to = lines[i + 1].substring(4);
                file.created |= from.startsWith("/dev/null");
                file.deleted |= to.startsWith("/dev/null");
                file.oldPath = from.startsWith("/dev/null") ? path(to) : path(from);
                file.newPath = to.startsWith("/dev/null") ? path(from) : path(to);
                i += 2;
            } else if (l.startsWith("@@")) {
                if (file == null) {
                    throw new IllegalArgumentException("line " + (i + 1) + ": a hunk before any file header");
                }
                i = hunk(lines, i, file);
            } else {
                if (file != null) {
                    if (l.startsWith("new file mode")) {
                        file.created = true;
                    } else if (l.startsWith("deleted file mode")) {
                        file.deleted = true;
                    } else if (l.startsWith("rename from ")) {
                        file.oldPath = l.substring(12);
                    } else if (l.startsWith("rename to ")) {
                        file.newPath = l.substring(10);
                    } else if (l.startsWith("Binary files ") || l.startsWith("GIT binary patch")) {
                        file.binary = true;
                    }
                }
                i++;
            }
        }
        if (file != null) {
            files.add(file.build());
        }
        return files;
    }

    /** One file's patch as the GitHub API gives it (hunks only); a null patch is a binary or too large file. */
    public static FileDiff parsePatch(String path, String status, String patch) {
        if (patch == null) {
            return new FileDiff(path, path, status, true, List.of());
        }
        Builder file = new Builder();
        file.oldPath = path;
        file.newPath = path;
        String[] lines = lines(patch);
        int i = 0;
        while (i < lines.length) {
            i = lines[i].startsWith("@@") ? hunk(lines, i, file) : i + 1;
        }
        return new FileDiff(path, path, status, false, List.copyOf(file.hunks));
    }

    /** Reads the hunk whose header is at {@code at}; returns the index after it. */
    private static int hunk(String[] lines, int at, Builder file) {
        Matcher h = HUNK.matcher(lines[at]);
        if (!h.matches()) {
            throw new IllegalArgumentException("line " + (at + 1) + ": not a hunk header: " + lines[at]);
        }
        if (!file.hunks.isEmpty()) {
            file.position++; // a later hunk's header counts as a line
        }
        int oldStart = Integer.parseInt(h.group(1));
        int oldCount = count(h.group(2));
        int newStart = Integer.parseInt(h.group(3));
        int newCount = count(h.group(4));
        int oldLine = oldStart;
        int newLine = newStart;
        int oldLeft = oldCount;
        int newLeft = newCount;
        List<DiffLine> body = new ArrayList<>();
        int i = at + 1;
        while (i < lines.length && (oldLeft > 0 || newLeft > 0)) {
            String l = lines[i];
            if (l.startsWith("\\")) { // "\ No newline at end of file"
                file.position++;
                i++;
                continue;
            }
            char kind = l.isEmpty() ? ' ' : l.charAt(0);
            String text = l.isEmpty() ? "" : l.substring(1);
            file.position++;
            switch (kind) {
                case '+' -> {
                    body.add(new DiffLine('+', text, 0, newLine++, file.position));
                    newLeft--;
                }
                case '-' -> {
                    body.add(new DiffLine('-', text, oldLine++, 0, file.position));
                    oldLeft--;
                }
                case ' ' -> {
                    body.add(new DiffLine(' ', text, oldLine++, newLine++, file.position));
                    oldLeft--;
                    newLeft--;
                }
                default ->
                    throw new IllegalArgumentException(
                            "line " + (i + 1) + " of " + file.newPath + " is not part of its hunk: " + l);
            }
            i++;
        }
        if (oldLeft != 0 || newLeft != 0) {
            throw new IllegalArgumentException("the hunk '" + lines[at] + "' of " + file.newPath + " ends early");
        }
        while (i < lines.length && lines[i].startsWith("\\")) {
            file.position++;
            i++;
        }
        file.hunks.add(new Hunk(oldStart, oldCount, newStart, newCount, lines[at], List.copyOf(body)));
        return i;
    }

    /** The lines, without the empty one after a final newline (an empty line inside a hunk is context). */
    private static String[] lines(String text) {
        String t = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        return t.isEmpty() ? new String[0] : t.split("\n", -1);
    }

    private static int count(String group) {
        return group == null ? 1 : Integer.parseInt(group);
    }

    private static String path(String header) {
        String p = header.strip();
        int tab = p.indexOf('\t');
        if (tab >= 0) {
            p = p.substring(0, tab);
        }
        if (p.startsWith("a/") || p.startsWith("b/")) {
            p = p.substring(2);
        }
        return p;
    }
}
