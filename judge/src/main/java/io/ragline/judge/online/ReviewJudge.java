package io.ragline.judge.online;

import io.quarkus.runtime.Startup;
import io.ragline.contracts.EventJson;
import io.ragline.contracts.judgement.JudgementProduced;
import io.ragline.contracts.review.ReviewCompleted;
import io.ragline.judge.config.JudgeConfig;
import io.ragline.judge.metrics.ReviewFindings;
import io.ragline.judge.model.JudgeModel;
import io.ragline.model.ModelUnavailableException;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Online scoring of code reviews: consumes {@code reviews.completed} in the group {@code judge-reviews}, keeps the same
 * hash-decided sample as answers, and judges posted and failed reviews (a duplicate or superseded request reviewed
 * nothing and is not judged).
 *
 * <p>Without a model: {@code review_posted} (1 posted, 0 failed), {@code review_complete} (0 when the model timed out
 * and only part of the diff was reviewed) and {@code suggestion_rate} (the share of findings with a concrete fix), all
 * method {@code rule}. With a judge model, the review's model findings are each checked against their diff lines
 * ({@link ReviewFindings}): {@code finding_precision} and {@code finding_actionability}, method {@code llm}.
 */
@ApplicationScoped
@Startup
public class ReviewJudge {

    public static final String IN = "reviews-completed";
    private static final Logger LOG = Logger.getLogger(ReviewJudge.class);

    @Inject
    JudgeConfig config;

    @Inject
    Judgements judgements;

    @Inject
    JudgeModel judge;

    @Incoming(IN)
    @Blocking
    public void onReview(String json) {
        ReviewCompleted review = EventJson.fromJson(json, ReviewCompleted.class);
        boolean judged = review.outcome() == ReviewCompleted.Outcome.POSTED
                || review.outcome() == ReviewCompleted.Outcome.FAILED;
        if (!judged || !Judgements.sampled(review.eventId(), config.online().sampleRate())) {
            return;
        }
        String[] judgeModel = {"none"};
        List<JudgementProduced.Score> scores = score(review, judgeModel);
        judgements.publish(JudgementProduced.of(review.tenant(), "review", review.eventId(), scores, judgeModel[0]));
    }

    List<JudgementProduced.Score> score(ReviewCompleted review, String[] judgeModel) {
        List<JudgementProduced.Score> scores = new ArrayList<>();
        boolean posted = review.outcome() == ReviewCompleted.Outcome.POSTED;
        scores.add(new JudgementProduced.Score("review_posted", posted ? 1 : 0, "rule", null));
        if (!posted) {
            return scores;
        }
        scores.add(new JudgementProduced.Score("review_complete", review.partial() ? 0 : 1, "rule", null));
        if (!review.findings().isEmpty()) {
            long withFix = review.findings().stream()
                    .filter(f -> f.suggestion() != null && !f.suggestion().isBlank())
                    .count();
            scores.add(new JudgementProduced.Score(
                    "suggestion_rate", withFix / (double) review.findings().size(), "rule", null));
        }
        List<ReviewCompleted.Finding> fromModel = review.findings().stream()
                .filter(f -> "model".equals(f.source()))
                .toList();
        if (judge.available() && !fromModel.isEmpty()) {
            try {
                ReviewFindings.Result r = ReviewFindings.score(judge, review.repository(), fromModel);
                if (!Double.isNaN(r.precision())) {
                    scores.add(new JudgementProduced.Score(
                            ReviewFindings.PRECISION, r.precision(), "llm", ReviewFindings.PROMPT_VERSION));
                    scores.add(new JudgementProduced.Score(
                            ReviewFindings.ACTIONABILITY, r.actionability(), "llm", ReviewFindings.PROMPT_VERSION));
                    judgeModel[0] = r.model();
                }
            } catch (ModelUnavailableException e) {
                LOG.warnf("review %s not judged by the model: %s", review.eventId(), e.getMessage());
            }
        }
        return scores;
    }
}
