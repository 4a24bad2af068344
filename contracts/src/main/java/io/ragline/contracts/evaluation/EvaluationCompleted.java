package io.ragline.contracts.evaluation;

import io.ragline.contracts.Envelope;
import io.ragline.contracts.RaglineEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The judge finished a quality run of a golden dataset. Topic {@code evals.completed}, keyed by
 * {@code tenant/dataset}; a regressed run is the alert dashboards and on-call tools subscribe to.
 *
 * @param runId the run
 * @param dataset the golden dataset
 * @param status {@code completed} or {@code failed}
 * @param means each metric's mean
 * @param regressed whether a metric fell beyond the threshold against the previous run or the baseline
 * @param reasons which metrics fell, by how much, against what
 * @param reportPath the report, relative to the judge ({@code /v1/evals/runs/ID/report})
 */
public record EvaluationCompleted(
        int schemaVersion,
        String eventId,
        String tenant,
        Instant occurredAt,
        String runId,
        String dataset,
        String status,
        Map<String, Double> means,
        boolean regressed,
        List<String> reasons,
        String reportPath)
        implements RaglineEvent {

    public static final int SCHEMA_VERSION = 1;

    public EvaluationCompleted {
        Envelope.check(schemaVersion, eventId, tenant, occurredAt);
        Envelope.requireText(runId, "runId");
        Envelope.requireText(dataset, "dataset");
        means = Envelope.map(means);
        reasons = Envelope.list(reasons);
    }

    public static EvaluationCompleted of(
            String tenant,
            String runId,
            String dataset,
            String status,
            Map<String, Double> means,
            boolean regressed,
            List<String> reasons) {
        return new EvaluationCompleted(
                SCHEMA_VERSION,
                Envelope.newEventId(),
                tenant,
                Instant.now(),
                runId,
                dataset,
                status,
                means,
                regressed,
                reasons,
                "/v1/evals/runs/" + runId + "/report");
    }

    public String partitionKey() {
        return tenant + "/" + dataset;
    }
}
