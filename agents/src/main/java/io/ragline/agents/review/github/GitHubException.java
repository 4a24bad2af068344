package io.ragline.agents.review.github;

/** A GitHub API call failed for good (after its retries), with the status and GitHub's message. */
public class GitHubException extends RuntimeException {

    private final int status;

    public GitHubException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
