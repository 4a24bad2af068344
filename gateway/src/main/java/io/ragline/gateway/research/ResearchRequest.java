package io.ragline.gateway.research;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code POST /v1/research}.
 *
 * @param id optional job id chosen by the client (letters, digits, {@code . _ -}); a repeated request with the same id
 *     returns the job already made
 * @param breadth sub-questions per level
 * @param depth levels of follow-up sub-questions
 * @param maxSources most sources the report cites
 * @param filters retrieval filters for every search of the job, as {@code POST /v1/search} takes them
 */
public record ResearchRequest(
        String id, String question, Integer breadth, Integer depth, Integer maxSources, JsonNode filters) {}
