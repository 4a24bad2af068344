package io.ragline.agents.research;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/** A job's drafts and reviews as its write and review steps stored them: {@code write-N}, {@code review-N}. */
@ApplicationScoped
class Drafts {

    @Inject
    ResearchStore store;

    /** The report of write round {@code round}; throws when the job has none. */
    Report report(String jobId, int round) {
        return store.step(jobId, "write-" + round)
                .map(s -> ResearchStore.JSON.convertValue(s.result(), Report.class))
                .orElseThrow(() -> new IllegalStateException("research " + jobId + " has no draft " + round));
    }

    /** The claims review round {@code round} found unsupported, with the reviewer's reasons (none without a review). */
    List<Writer.Issue> issues(String jobId, int round) {
        ResearchStore.Step review = store.step(jobId, "review-" + round).orElse(null);
        if (review == null) {
            return List.of();
        }
        List<Report.Claim> claims = report(jobId, round).claims();
        List<Reviewer.Verdict> verdicts = verdicts(review);
        List<Writer.Issue> issues = new ArrayList<>();
        for (int i = 0; i < verdicts.size() && i < claims.size(); i++) {
            if (!verdicts.get(i).supported()) {
                issues.add(
                        new Writer.Issue(claims.get(i).text(), verdicts.get(i).reason()));
            }
        }
        return issues;
    }

    /** A review step's verdicts, one per claim in report order (none when the review was skipped). */
    static List<Reviewer.Verdict> verdicts(ResearchStore.Step review) {
        List<Reviewer.Verdict> out = new ArrayList<>();
        if (review.result() != null) {
            review.result()
                    .path("verdicts")
                    .forEach(v -> out.add(new Reviewer.Verdict(
                            v.path("supported").asBoolean(), v.path("reason").asText(""))));
        }
        return out;
    }

    /** The report with the claims the last review found unsupported taken out (and listed as removed). */
    static Report withoutUnsupported(Report report, List<Reviewer.Verdict> verdicts) {
        List<Report.Section> sections = new ArrayList<>();
        List<Report.Removed> removed = new ArrayList<>(report.removed());
        int i = 0;
        for (Report.Section s : report.sections()) {
            List<Report.Claim> kept = new ArrayList<>();
            for (Report.Claim c : s.claims()) {
                Reviewer.Verdict v = i < verdicts.size() ? verdicts.get(i) : null;
                i++;
                if (v == null || v.supported()) {
                    kept.add(c);
                } else {
                    removed.add(new Report.Removed(c.text(), v.reason()));
                }
            }
            sections.add(new Report.Section(s.heading(), kept));
        }
        return new Report(report.title(), report.mode(), sections, report.sources(), report.missing(), removed);
    }
}
