package io.ragline.contracts.research.api;

import java.util.Map;

/**
 * A research job to create, the body of the agents' {@code PUT /research/jobs/{id}}: the agents own research jobs,
 * the gateway asks for them on a caller's behalf with limits already checked against its own configuration.
 *
 * @param tenant the caller's tenant; the job is visible to it only
 * @param filters retrieval filters applied to every search of the job (may be empty)
 * @param maxTimeSeconds the job's time budget, from its creation
 */
public record NewResearchJob(
        String tenant,
        String question,
        int breadth,
        int depth,
        int maxSources,
        Map<String, Object> filters,
        int maxSteps,
        int maxTokens,
        long maxTimeSeconds) {

    public NewResearchJob {
        filters = filters == null ? Map.of() : Map.copyOf(filters);
    }
}
