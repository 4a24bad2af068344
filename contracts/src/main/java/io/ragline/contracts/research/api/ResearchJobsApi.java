package io.ragline.contracts.research.api;

/**
 * The agents' research-job API, as both sides name it. A job is JSON: {@code id, question, breadth, depth, maxSources,
 * status, mode, level, round, cancelRequested, message, outline, usage, budget, createdAt, updatedAt, finishedAt,
 * missing, reportMarkdown, report, steps, progress} (what the gateway's {@code GET /v1/research/{id}} shows).
 *
 * <ul>
 *   <li>{@code PUT /research/jobs/{id}} with a {@link NewResearchJob}: 201 and the job when created (its request is
 *       published), 200 and the job when the tenant has it already, 409 when another tenant's job has the id;
 *   <li>{@code GET /research/jobs/{id}?tenant=}: 200 and the job, 404 when the tenant has no such job;
 *   <li>{@code DELETE /research/jobs/{id}?tenant=}: asks for its cancellation; 200 and the job, 404, or 409 when it has
 *       finished already.
 * </ul>
 */
public final class ResearchJobsApi {

    public static final String PATH = "/research/jobs";

    private ResearchJobsApi() {}
}
