package io.ragline.agents.review.diff;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Fits a pull request's diff into the model's token budget. Lock files, binaries, generated and vendored code and
 * the repository's ignored paths are dropped (and named, so the review can say what it skipped); the rest is ordered
 * by relevance (source before tests before docs and config, larger changes first) and split at hunk boundaries into
 * parts that each fit the budget. A single hunk larger than the budget becomes a part of its own, cut to the budget
 * and flagged. No hunk is lost: every kept hunk is in exactly one part.
 */
public final class DiffBudget {

    /** Why a file is not reviewed. */
    public record Skipped(String path, String reason) {}

    /** One file's hunks within a part. */
    public record Slice(FileDiff file, List<Hunk> hunks) {

        public String text() {
            StringBuilder out = new StringBuilder("--- ").append(file.oldPath()).append('\n');
            out.append("+++ ").append(file.path()).append('\n');
            hunks.forEach(h -> out.append(h.text()));
            return out.toString();
        }
    }

    /** What one model call reviews. */
    public record Part(List<Slice> slices, int tokens, boolean truncated) {

        public String text() {
            StringBuilder out = new StringBuilder();
            slices.forEach(s -> out.append(s.text()));
            return out.toString();
        }
    }

    /** The plan: parts to review, files skipped. */
    public record Plan(List<Part> parts, List<Skipped> skipped) {}

    private static final Set<String> LOCK_FILES = Set.of(
            "package-lock.json",
            "yarn.lock",
            "pnpm-lock.yaml",
            "npm-shrinkwrap.json",
            "gradle.lockfile",
            "cargo.lock",
            "poetry.lock",
            "pipfile.lock",
            "composer.lock",
            "gemfile.lock",
            "go.sum",
            "mix.lock",
            "packages.lock.json",
            "podfile.lock",
            "flake.lock",
            "uv.lock");
    private static final List<String> GENERATED = List.of(
            "**/generated/**",
            "**/generated-sources/**",
            "**/vendor/**",
            "**/node_modules/**",
            "**/dist/**",
            "**/*.min.js",
            "**/*.min.css",
            "**/*.pb.go",
            "**/*_pb2.py",
            "**/*.generated.*",
            "**/*.g.dart",
            "**/*.snap",
            "**/*.map");
    private static final Set<String> BINARY_EXTENSIONS = Set.of(
            "png", "jpg", "jpeg", "gif", "ico", "webp", "pdf", "zip", "gz", "jar", "class", "so", "dll", "exe", "woff",
            "woff2", "ttf", "otf", "mp4", "mp3", "bin");

    private DiffBudget() {}

    /** Rough token count of diff text: four characters a token. */
    public static int tokens(String text) {
        return (text.length() + 3) / 4;
    }

    public static Plan plan(List<FileDiff> files, int budgetTokens, List<String> ignoredGlobs) {
        List<PathMatcher> ignored = new ArrayList<>();
        ignoredGlobs.forEach(g -> ignored.add(FileSystems.getDefault().getPathMatcher("glob:" + g)));
        List<PathMatcher> generated = new ArrayList<>();
        GENERATED.forEach(g -> generated.add(FileSystems.getDefault().getPathMatcher("glob:" + g)));
        List<Skipped> skipped = new ArrayList<>();
        List<FileDiff> kept = new ArrayList<>();
        for (FileDiff f : files) {
            String reason = skipReason(f, ignored, generated);
            if (reason != null) {
                skipped.add(new Skipped(f.path(), reason));
            } else {
                kept.add(f);
            }
        }
        kept.sort(Comparator.comparingInt(DiffBudget::rank)
                .thenComparing(Comparator.comparingLong((FileDiff f) -> f.added() + f.removed())
                        .reversed())
                .thenComparing(FileDiff::path));

        List<Part> parts = new ArrayList<>();
        List<Slice> current = new ArrayList<>();
        int used = 0;
        for (FileDiff f : kept) {
            List<Hunk> pending = new ArrayList<>();
            int header = tokens("--- " + f.oldPath() + "\n+++ " + f.path() + "\n");
            for (Hunk h : f.hunks()) {
                int cost = tokens(h.text());
                if (header + cost > budgetTokens) {
                    // one hunk alone exceeds the budget: flush, then give it a part of its own, cut to fit
                    if (!pending.isEmpty()) {
                        current.add(new Slice(f, List.copyOf(pending)));
                        pending.clear();
                    }
                    if (!current.isEmpty()) {
                        parts.add(new Part(List.copyOf(current), used, false));
                        current.clear();
                        used = 0;
                    }
                    parts.add(new Part(
                            List.of(new Slice(f, List.of(cut(h, budgetTokens - header)))), budgetTokens, true));
                    continue;
                }
                int extra = cost + (pending.isEmpty() ? header : 0);
                if (used + extra > budgetTokens) {
                    if (!pending.isEmpty()) {
                        current.add(new Slice(f, List.copyOf(pending)));
                        pending.clear();
                    }
                    parts.add(new Part(List.copyOf(current), used, false));
                    current.clear();
                    used = 0;
                    extra = cost + header;
                }
                pending.add(h);
                used += extra;
            }
            if (!pending.isEmpty()) {
                current.add(new Slice(f, List.copyOf(pending)));
            }
        }
        if (!current.isEmpty()) {
            parts.add(new Part(List.copyOf(current), used, false));
        }
        return new Plan(List.copyOf(parts), List.copyOf(skipped));
    }

    private static String skipReason(FileDiff f, List<PathMatcher> ignored, List<PathMatcher> generated) {
        Path p = Path.of(f.path());
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (f.binary() || BINARY_EXTENSIONS.contains(extension(name))) {
            return "binary";
        }
        if (LOCK_FILES.contains(name)) {
            return "lock file";
        }
        if (ignored.stream().anyMatch(m -> m.matches(p))) {
            return "ignored by .ragline/review.yml";
        }
        if (generated.stream()
                .anyMatch(m -> m.matches(p) || m.matches(Path.of("x").resolve(p)))) {
            return "generated or vendored";
        }
        if (f.status().equals("deleted")) {
            return "deleted";
        }
        if (f.hunks().isEmpty()) {
            return "no textual changes";
        }
        return null;
    }

    /** 0 source, 1 tests, 2 build and config, 3 docs. */
    static int rank(FileDiff f) {
        String p = f.path().toLowerCase(Locale.ROOT);
        String ext = extension(p);
        if (p.contains("/test/")
                || p.contains("/tests/")
                || p.startsWith("test/")
                || p.matches(".*(test|spec)s?\\.[a-z]+$")
                || p.matches(".*/test_[^/]+\\.py$")) {
            return 1;
        }
        if (Set.of("md", "txt", "rst", "adoc").contains(ext)) {
            return 3;
        }
        if (Set.of("xml", "yml", "yaml", "json", "toml", "properties", "gradle", "cfg", "ini")
                .contains(ext)) {
            return 2;
        }
        return 0;
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1);
    }

    private static Hunk cut(Hunk h, int tokens) {
        List<DiffLine> kept = new ArrayList<>();
        int used = tokens(h.header());
        for (DiffLine l : h.lines()) {
            used += tokens(l.text()) + 1;
            if (used > tokens) {
                break;
            }
            kept.add(l);
        }
        return new Hunk(h.oldStart(), h.oldCount(), h.newStart(), h.newCount(), h.header(), List.copyOf(kept));
    }
}
