package io.ragline.agents.review.github;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.Encoded;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;

/**
 * The GitHub REST endpoints a review needs, as a Quarkus REST Client for one API root (github.com or GitHub
 * Enterprise). Answers are raw {@link Response}s: {@link GitHubClient} reads the status and the rate-limit headers
 * itself, to retry, wait out a limit or report GitHub's message.
 */
@ClientHeaderParam(name = "X-GitHub-Api-Version", value = "2022-11-28")
@ClientHeaderParam(name = "User-Agent", value = "ragline-review-agent")
public interface GitHubApi {

    String JSON = "application/vnd.github+json";

    @GET
    @Path("/repos/{owner}/{repo}/pulls/{number}")
    @Produces(JSON)
    Response pullRequest(
            @HeaderParam("Authorization") String authorization,
            @PathParam("owner") String owner,
            @PathParam("repo") String repo,
            @PathParam("number") int number);

    @GET
    @Path("/repos/{owner}/{repo}/pulls/{number}/files")
    @Produces(JSON)
    Response files(
            @HeaderParam("Authorization") String authorization,
            @PathParam("owner") String owner,
            @PathParam("repo") String repo,
            @PathParam("number") int number,
            @QueryParam("per_page") int perPage,
            @QueryParam("page") int page);

    @GET
    @Path("/repos/{owner}/{repo}/pulls/{number}/reviews")
    @Produces(JSON)
    Response reviews(
            @HeaderParam("Authorization") String authorization,
            @PathParam("owner") String owner,
            @PathParam("repo") String repo,
            @PathParam("number") int number,
            @QueryParam("per_page") int perPage,
            @QueryParam("page") int page);

    @POST
    @Path("/repos/{owner}/{repo}/pulls/{number}/reviews")
    @Produces(JSON)
    @Consumes(MediaType.APPLICATION_JSON)
    Response createReview(
            @HeaderParam("Authorization") String authorization,
            @PathParam("owner") String owner,
            @PathParam("repo") String repo,
            @PathParam("number") int number,
            String review);

    /** A file's raw text at {@code ref}; {@code path} arrives encoded segment by segment, its slashes kept. */
    @GET
    @Path("/repos/{owner}/{repo}/contents/{path}")
    @Produces("application/vnd.github.raw+json")
    Response content(
            @HeaderParam("Authorization") String authorization,
            @PathParam("owner") String owner,
            @PathParam("repo") String repo,
            @PathParam("path") @Encoded String path,
            @QueryParam("ref") String ref);

    /** The GitHub App's installation on a repository (authorized by the App's JWT). */
    @GET
    @Path("/repos/{owner}/{repo}/installation")
    @Produces(JSON)
    Response installation(
            @HeaderParam("Authorization") String jwt, @PathParam("owner") String owner, @PathParam("repo") String repo);

    /** A new installation access token (authorized by the App's JWT). */
    @POST
    @Path("/app/installations/{id}/access_tokens")
    @Produces(JSON)
    Response accessToken(@HeaderParam("Authorization") String jwt, @PathParam("id") long installation);
}
