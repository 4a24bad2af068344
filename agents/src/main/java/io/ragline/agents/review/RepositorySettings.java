package io.ragline.agents.review;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A repository's review settings, from {@code .ragline/review.yml} at the reviewed commit, over the service defaults:
 *
 * <pre>
 * ignore: ["docs/**", "**&#47;*.sql"]   # paths never reviewed
 * max_findings: 8
 * severity_floor: major                 # info | minor | major | critical
 * instructions: "We use records; flag mutable DTOs."
 * model: my-review-lora                 # a model the server serves by name
 * </pre>
 *
 * A malformed file does not stop the review: the defaults apply and the summary says why.
 */
public record RepositorySettings(
        List<String> ignore, int maxFindings, String severityFloor, String instructions, String model, String problem) {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> SEVERITIES = Set.of("info", "minor", "major", "critical");

    public static RepositorySettings defaults(int maxFindings, String severityFloor) {
        return new RepositorySettings(List.of(), maxFindings, severityFloor, null, null, null);
    }

    public static RepositorySettings parse(String yaml, RepositorySettings defaults) {
        try {
            JsonNode root = YAML.readTree(yaml);
            if (root == null || root.isNull() || root.isMissingNode()) {
                return defaults;
            }
            if (!root.isObject()) {
                return defaults.withProblem("it is not a mapping");
            }
            List<String> ignore = new ArrayList<>();
            JsonNode ig = root.path("ignore");
            if (ig.isTextual()) {
                ignore.add(ig.asText());
            } else {
                ig.forEach(n -> ignore.add(n.asText()));
            }
            int max = root.path("max_findings").asInt(defaults.maxFindings());
            if (max < 0 || max > 100) {
                return defaults.withProblem("max_findings must be between 0 and 100");
            }
            String floor =
                    root.path("severity_floor").asText(defaults.severityFloor()).toLowerCase(Locale.ROOT);
            if (!SEVERITIES.contains(floor)) {
                return defaults.withProblem("severity_floor must be one of info, minor, major, critical");
            }
            return new RepositorySettings(
                    List.copyOf(ignore),
                    max,
                    floor,
                    root.hasNonNull("instructions") ? root.path("instructions").asText() : null,
                    root.hasNonNull("model") ? root.path("model").asText() : null,
                    null);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return defaults.withProblem("it is not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            return defaults.withProblem("it could not be read: " + e.getMessage());
        }
    }

    private RepositorySettings withProblem(String why) {
        return new RepositorySettings(
                ignore, maxFindings, severityFloor, instructions, model, ".ragline/review.yml was not used: " + why);
    }
}
