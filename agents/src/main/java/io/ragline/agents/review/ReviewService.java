package io.ragline.agents.review;

import io.ragline.agents.config.AgentsConfig;
import io.ragline.agents.model.AgentModel;
import io.ragline.agents.review.diff.DiffBudget;
import io.ragline.agents.review.diff.FileDiff;
import io.ragline.agents.review.diff.UnifiedDiff;
import io.ragline.agents.review.github.GitHubClient;
import io.ragline.contracts.TokenUsage;
import io.ragline.contracts.review.ReviewCompleted;
import io.ragline.contracts.review.ReviewRequested;
import io.ragline.model.ModelUnavailableException;
import io.ragline.retriever.api.SearchRequest;
import io.ragline.retriever.client.RetrieverClient;
import io.ragline.retriever.client.RetrieverUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * One pull-request review, from a review-requested event to a posted GitHub review and a review-completed event.
 * Exactly one review per head commit: the head commit is claimed in PostgreSQL, a stale request (the pull request has
 * moved on) is marked superseded, and a review already on GitHub for this commit (posted by a worker that died before
 * recording it) is found by its marker and not posted again.
 */
@ApplicationScoped
public class ReviewService {

    private static final Logger LOG = Logger.getLogger(ReviewService.class);
    /** Diff lines either side of a finding in the excerpt the judge checks it against. */
    static final int EXCERPT_LINES = 6;

    @Inject
    AgentsConfig config;

    @Inject
    AgentModel agentModel;

    @Inject
    ReviewPrompts prompts;

    @Inject
    GitHubClients github;

    @Inject
    ReviewStore store;

    private RetrieverClient retriever;

    @jakarta.annotation.PostConstruct
    void init() {
        retriever = config.review()
                .retrieverUrl()
                .filter(u -> !u.isBlank())
                .map(u -> new RetrieverClient(u, java.time.Duration.ofSeconds(5)))
                .orElse(null);
    }

    static String marker(String headSha) {
        return "<!-- ragline-review " + headSha + " -->";
    }

    public ReviewCompleted review(ReviewRequested request) {
        long t0 = System.nanoTime();
        String repo = request.repository();
        int number = request.pullNumber();
        Optional<String> done = store.claim(repo, number, request.headSha(), request.tenant(), request.eventId());
        if (done.isPresent()) {
            LOG.infof("%s#%d at %s already %s", repo, number, request.headSha(), done.get());
            return withoutReview(request, ReviewCompleted.Outcome.DUPLICATE, t0);
        }
        GitHubClient gh = github.forRequest(request);
        GitHubClient.PullRequest pr = gh.pullRequest(repo, number);
        if (!pr.headSha().equals(request.headSha())) {
            store.finish(repo, number, request.headSha(), "superseded", null, null, "head is now " + pr.headSha());
            return withoutReview(request, ReviewCompleted.Outcome.SUPERSEDED, t0);
        }
        String marker = marker(request.headSha());
        if (gh.reviewBodies(repo, number).stream().anyMatch(b -> b.contains(marker))) {
            store.finish(repo, number, request.headSha(), "posted", null, null, "found on GitHub");
            return withoutReview(request, ReviewCompleted.Outcome.DUPLICATE, t0);
        }

        AgentsConfig.Review defaults = config.review();
        RepositorySettings serviceDefaults =
                RepositorySettings.defaults(defaults.maxFindings(), defaults.severityFloor());
        RepositorySettings settings = gh.content(repo, defaults.configPath(), request.headSha())
                .map(yaml -> RepositorySettings.parse(yaml, serviceDefaults))
                .orElse(serviceDefaults);
        List<FileDiff> files = new ArrayList<>();
        for (GitHubClient.ChangedFile f : gh.files(repo, number)) {
            FileDiff d = UnifiedDiff.parsePatch(f.filename(), f.status(), f.patch());
            files.add(new FileDiff(
                    d.path(),
                    f.previousFilename() == null ? d.path() : f.previousFilename(),
                    f.status().equals("removed") ? "deleted" : f.status(),
                    d.binary(),
                    d.hunks()));
        }
        DiffBudget.Plan plan = DiffBudget.plan(files, defaults.budgetTokens(), settings.ignore());
        Set<String> reviewedPaths = new HashSet<>();
        plan.parts()
                .forEach(p -> p.slices().forEach(s -> reviewedPaths.add(s.file().path())));
        List<FileDiff> reviewed =
                files.stream().filter(f -> reviewedPaths.contains(f.path())).toList();

        List<Finding> findings = new ArrayList<>(DeterministicChecks.run(reviewed, defaults.largeFileLines()));
        boolean partial = false;
        String partialReason = null;
        int dropped = 0;
        int prompt = 0;
        int written = 0;
        String model = "none";
        String mode = agentModel.configured() ? "model" : "deterministic";
        if (agentModel.configured()) {
            for (int i = 0; i < plan.parts().size(); i++) {
                try {
                    ModelReviewer.Result r = ModelReviewer.review(
                            agentModel,
                            prompts,
                            plan.parts().get(i),
                            pr.title(),
                            pr.body(),
                            settings,
                            plan.skipped(),
                            related(request.tenant(), pr.title(), plan.parts().get(i)));
                    findings.addAll(r.findings());
                    dropped += r.dropped();
                    prompt += r.promptTokens();
                    written += r.completionTokens();
                    model = r.model();
                } catch (ModelUnavailableException e) {
                    partial = true;
                    partialReason =
                            "the model reviewed " + i + " of " + plan.parts().size() + " parts: " + e.getMessage();
                    LOG.warnf("%s#%d: %s", repo, number, partialReason);
                    break;
                }
            }
        }
        List<Finding> posted = select(findings, settings);
        List<GitHubClient.Comment> comments = posted.stream()
                .map(f -> new GitHubClient.Comment(f.path(), f.line(), f.side(), comment(f)))
                .toList();
        String body = summary(mode, model, posted, findings.size(), plan, settings, partialReason, dropped, marker);
        String url = gh.createReview(repo, number, request.headSha(), body, comments);
        store.finish(repo, number, request.headSha(), "posted", url, posted.size(), partialReason);
        Map<String, FileDiff> byPath = new HashMap<>();
        reviewed.forEach(f -> byPath.put(f.path(), f));
        return completed(
                request,
                ReviewCompleted.Outcome.POSTED,
                mode,
                model,
                posted.stream()
                        .map(f -> new ReviewCompleted.Finding(
                                f.path(),
                                f.line(),
                                f.side(),
                                f.severity(),
                                f.category(),
                                f.message(),
                                f.suggestion(),
                                f.source(),
                                byPath.containsKey(f.path())
                                        ? byPath.get(f.path()).excerpt(f.line(), f.side(), EXCERPT_LINES)
                                        : null))
                        .toList(),
                plan.skipped().stream().map(s -> s.path() + ": " + s.reason()).toList(),
                partial,
                url,
                t0,
                new TokenUsage(prompt, written));
    }

    /**
     * Passages of the tenant's indexed docs and code related to a part (searched with the PR title and the part's file
     * names); none when no retriever is configured or it is unavailable: the review goes on without them.
     */
    private List<String> related(String tenant, String title, DiffBudget.Part part) {
        if (retriever == null || config.review().relatedPassages() <= 0) {
            return List.of();
        }
        StringBuilder query = new StringBuilder(title);
        part.slices().forEach(s -> query.append(' ').append(s.file().path()));
        try {
            return retriever
                    .search(
                            tenant,
                            SearchRequest.of(query.toString(), config.review().relatedPassages()))
                    .stream()
                    .map(h -> (h.title() == null ? h.documentId() : h.title()) + ":\n" + h.text())
                    .toList();
        } catch (RetrieverUnavailableException | IllegalArgumentException e) {
            LOG.debugf("no related context: %s", e.getMessage());
            return List.of();
        }
    }

    /** Duplicates merged, below the floor dropped, most severe first, at most max_findings. */
    static List<Finding> select(List<Finding> findings, RepositorySettings settings) {
        Map<String, Finding> unique = new LinkedHashMap<>();
        for (Finding f : findings) {
            unique.merge(
                    f.path() + ":" + f.side() + ":" + f.line() + ":" + f.category(),
                    f,
                    (a, b) -> Finding.rank(a.severity()) >= Finding.rank(b.severity()) ? a : b);
        }
        int floor = Finding.rank(settings.severityFloor());
        return unique.values().stream()
                .filter(f -> Finding.rank(f.severity()) >= floor || f.category().equals("secret"))
                .sorted(Comparator.comparingInt((Finding f) -> Finding.rank(f.severity()))
                        .reversed()
                        .thenComparing(Finding::path)
                        .thenComparingInt(Finding::line))
                .limit(settings.maxFindings())
                .toList();
    }

    static String comment(Finding f) {
        StringBuilder c = new StringBuilder("**")
                .append(f.severity())
                .append(" · ")
                .append(f.category())
                .append("** ")
                .append(f.message());
        if (f.suggestion() != null) {
            c.append("\n\nSuggestion: ").append(f.suggestion());
        }
        if (f.source().equals("check")) {
            c.append("\n\n<sub>deterministic check</sub>");
        }
        return c.toString();
    }

    static String summary(
            String mode,
            String model,
            List<Finding> posted,
            int found,
            DiffBudget.Plan plan,
            RepositorySettings settings,
            String partialReason,
            int dropped,
            String marker) {
        StringBuilder s = new StringBuilder("## ragline review\n\n");
        if (mode.equals("deterministic")) {
            s.append("**Deterministic checks only** (no model server is configured): secrets, conflict markers, debug"
                    + " prints, TODOs and very large files. Logic was not reviewed.\n\n");
        } else {
            s.append("Reviewed by `").append(model).append("` and the deterministic checks.\n\n");
        }
        if (partialReason != null) {
            s.append("**Partial review:** ").append(partialReason).append(".\n\n");
        }
        s.append(posted.isEmpty() ? "No findings." : posted.size() + " finding(s) inline");
        if (found > posted.size()) {
            s.append(" (")
                    .append(found - posted.size())
                    .append(" more below the severity floor `")
                    .append(settings.severityFloor())
                    .append("` or beyond the limit of ")
                    .append(settings.maxFindings())
                    .append(")");
        }
        s.append(".\n");
        if (dropped > 0) {
            s.append("\n").append(dropped).append(" model finding(s) pointed outside the diff and were dropped.\n");
        }
        if (!plan.skipped().isEmpty()) {
            s.append("\n<details><summary>")
                    .append(plan.skipped().size())
                    .append(" file(s) not reviewed</summary>\n\n");
            plan.skipped()
                    .forEach(k -> s.append("- `")
                            .append(k.path())
                            .append("`: ")
                            .append(k.reason())
                            .append('\n'));
            s.append("</details>\n");
        }
        if (settings.problem() != null) {
            s.append("\n").append(settings.problem()).append("; the defaults were used.\n");
        }
        return s.append('\n').append(marker).toString();
    }

    /** The outcome of a request that posted nothing (duplicate, superseded, failed). */
    static ReviewCompleted withoutReview(ReviewRequested r, ReviewCompleted.Outcome outcome, long t0) {
        return completed(r, outcome, "none", "none", List.of(), List.of(), false, null, t0, TokenUsage.NONE);
    }

    private static ReviewCompleted completed(
            ReviewRequested r,
            ReviewCompleted.Outcome outcome,
            String mode,
            String model,
            List<ReviewCompleted.Finding> findings,
            List<String> skipped,
            boolean partial,
            String url,
            long t0,
            TokenUsage usage) {
        return ReviewCompleted.of(
                r.tenant(),
                r.eventId(),
                r.repository(),
                r.pullNumber(),
                r.headSha(),
                outcome,
                mode,
                model,
                findings,
                skipped,
                partial,
                url,
                (System.nanoTime() - t0) / 1_000_000,
                usage);
    }
}
