package io.ragline.contracts.judgement;

import io.ragline.contracts.Envelope;
import io.ragline.contracts.RaglineEvent;
import java.time.Instant;
import java.util.List;

/**
 * The judge scored an answer, a review or a research report. Topic {@code judgements.produced}, keyed by the subject's
 * event id.
 *
 * @param subjectType {@code answer}, {@code review} or {@code research}
 * @param subjectEventId the event that was scored
 * @param scores one entry per metric; a metric computed without a model carries its own name (for example
 *     {@code embedding_support}), never the name of the LLM metric it stands in for
 * @param judgeModel model that judged, or {@code none}
 */
public record JudgementProduced(
        int schemaVersion,
        String eventId,
        String tenant,
        Instant occurredAt,
        String subjectType,
        String subjectEventId,
        List<Score> scores,
        String judgeModel)
        implements RaglineEvent {

    public static final int SCHEMA_VERSION = 1;

    public JudgementProduced {
        Envelope.check(schemaVersion, eventId, tenant, occurredAt);
        Envelope.requireText(subjectType, "subjectType");
        Envelope.requireText(subjectEventId, "subjectEventId");
        scores = Envelope.list(scores);
    }

    public static JudgementProduced of(
            String tenant, String subjectType, String subjectEventId, List<Score> scores, String judgeModel) {
        return new JudgementProduced(
                SCHEMA_VERSION,
                Envelope.newEventId(),
                tenant,
                Instant.now(),
                subjectType,
                subjectEventId,
                scores,
                judgeModel);
    }

    public String partitionKey() {
        return subjectEventId;
    }

    /**
     * One metric's value.
     *
     * @param metric metric name, e.g. {@code faithfulness}
     * @param value in [0, 1]
     * @param method how it was computed: {@code llm}, {@code embedding}, {@code reference}
     * @param promptVersion version of the judge prompt, for LLM metrics
     */
    public record Score(String metric, double value, String method, String promptVersion) {}
}
