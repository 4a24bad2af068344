package io.ragline.agents.review;

import io.ragline.agents.review.diff.DiffLine;
import io.ragline.agents.review.diff.FileDiff;
import io.ragline.agents.review.diff.Hunk;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks that need no model, run on the added lines of every reviewed file: private keys and cloud credentials,
 * merge-conflict markers, added debug prints and TODO/FIXME notes, very large files. With a model they complement its
 * review; without one they are the review, labelled as such.
 */
public final class DeterministicChecks {

    private record Rule(String category, String severity, Pattern pattern, String message, String suggestion) {}

    private static final List<Rule> SECRETS = List.of(
            new Rule(
                    "secret",
                    "critical",
                    Pattern.compile("-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY-----"),
                    "A private key is committed.",
                    "Remove it, rotate the key, and load it from a secret store."),
            new Rule(
                    "secret",
                    "critical",
                    Pattern.compile("\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b"),
                    "An AWS access key id is committed.",
                    "Remove it and rotate the key; use the environment or a role."),
            new Rule(
                    "secret",
                    "critical",
                    Pattern.compile("\\bgh[pousr]_[A-Za-z0-9]{36,}\\b"),
                    "A GitHub token is committed.",
                    "Revoke the token and read it from a secret."),
            new Rule(
                    "secret",
                    "critical",
                    Pattern.compile("\\bxox[baprs]-[A-Za-z0-9-]{10,}\\b"),
                    "A Slack token is committed.",
                    "Revoke the token and read it from a secret."),
            new Rule(
                    "secret",
                    "critical",
                    Pattern.compile("\\bAIza[0-9A-Za-z_\\-]{35}\\b"),
                    "A Google API key is committed.",
                    "Restrict or rotate the key and load it from configuration."),
            new Rule(
                    "secret",
                    "major",
                    Pattern.compile(
                            "(?i)\\b(?:password|passwd|secret|api[_-]?key|access[_-]?token)\\b\\s*[:=]\\s*[\"'][^\"'\\s$%{}<>]{8,}[\"']"),
                    "A credential looks hard-coded.",
                    "Read it from configuration or a secret store."));
    private static final Pattern CONFLICT = Pattern.compile("^(?:<{7} |={7}$|>{7} )");
    private static final Pattern DEBUG = Pattern.compile(
            "\\b(?:System\\.(?:out|err)\\.print(?:ln|f)?\\(|console\\.(?:log|debug)\\(|printStackTrace\\(\\)"
                    + "|fmt\\.Print(?:ln|f)?\\(|debugger;|binding\\.pry|var_dump\\(|dd\\()"
                    + "|^\\s*print\\(");
    private static final Pattern TODO = Pattern.compile("\\b(?:TODO|FIXME|XXX|HACK)\\b");

    private DeterministicChecks() {}

    public static List<Finding> run(List<FileDiff> files, int largeFileLines) {
        List<Finding> out = new ArrayList<>();
        for (FileDiff f : files) {
            boolean test = f.path().toLowerCase(Locale.ROOT).contains("test");
            for (Hunk h : f.hunks()) {
                for (DiffLine l : h.lines()) {
                    if (!l.added()) {
                        continue;
                    }
                    String text = l.text();
                    for (Rule r : SECRETS) {
                        if (r.pattern().matcher(text).find()) {
                            out.add(finding(f, l, r.severity(), r.category(), r.message(), r.suggestion()));
                            break;
                        }
                    }
                    if (CONFLICT.matcher(text).find()) {
                        out.add(finding(
                                f,
                                l,
                                "major",
                                "bug",
                                "A merge-conflict marker is committed.",
                                "Resolve the conflict and remove the marker."));
                    } else if (!test && DEBUG.matcher(text).find()) {
                        out.add(finding(
                                f,
                                l,
                                "info",
                                "style",
                                "A debug print is added.",
                                "Use the logger, or remove it before merging."));
                    } else if (TODO.matcher(text).find()) {
                        out.add(finding(
                                f,
                                l,
                                "info",
                                "maintainability",
                                "A TODO/FIXME note is added.",
                                "Track it in an issue, or resolve it in this pull request."));
                    }
                }
            }
            if (f.added() >= largeFileLines) {
                DiffLine first = f.hunks().stream()
                        .flatMap(h -> h.lines().stream())
                        .filter(DiffLine::added)
                        .findFirst()
                        .orElse(null);
                if (first != null) {
                    out.add(finding(
                            f,
                            first,
                            "minor",
                            "maintainability",
                            "This change adds " + f.added() + " lines to one file, which is hard to review.",
                            "Split the file or the change."));
                }
            }
        }
        return out;
    }

    private static Finding finding(
            FileDiff f, DiffLine l, String severity, String category, String message, String fix) {
        return new Finding(f.path(), l.newLine(), "RIGHT", severity, category, message, fix, "check");
    }
}
