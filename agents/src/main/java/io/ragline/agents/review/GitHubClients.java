package io.ragline.agents.review;

import io.ragline.agents.config.AgentsConfig;
import io.ragline.agents.review.github.GitHubAuth;
import io.ragline.agents.review.github.GitHubClient;
import io.ragline.contracts.review.ReviewRequested;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GitHub clients per API root: the configured one, or the GitHub Enterprise root a webhook delivery named. Credentials:
 * the configured token, or the GitHub App (installation tokens per repository).
 */
@ApplicationScoped
public class GitHubClients {

    @Inject
    AgentsConfig config;

    private final Map<String, GitHubClient> clients = new ConcurrentHashMap<>();

    public GitHubClient forRequest(ReviewRequested request) {
        String api = request.apiBaseUrl() == null || request.apiBaseUrl().isBlank()
                ? config.github().apiUrl()
                : request.apiBaseUrl();
        return clients.computeIfAbsent(api, this::create);
    }

    private GitHubClient create(String api) {
        AgentsConfig.GitHub g = config.github();
        GitHubAuth auth = g.token().isPresent()
                ? GitHubAuth.token(g.token().get())
                : g.appId().isPresent() && g.privateKey().isPresent()
                        ? GitHubAuth.app(g.appId().get(), g.privateKey().get(), api, g.timeout())
                        : GitHubAuth.anonymous();
        return new GitHubClient(api, auth, g.timeout(), g.maxRateLimitWait(), g.maxRetries());
    }
}
