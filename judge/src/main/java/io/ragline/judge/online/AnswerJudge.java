package io.ragline.judge.online;

import dev.langchain4j.model.embedding.EmbeddingModel;
import io.quarkus.runtime.Startup;
import io.ragline.contracts.EventJson;
import io.ragline.contracts.answer.AnswerProduced;
import io.ragline.contracts.judgement.JudgementProduced;
import io.ragline.judge.config.JudgeConfig;
import io.ragline.judge.metrics.EmbeddingSupport;
import io.ragline.judge.metrics.LlmMetrics;
import io.ragline.judge.model.JudgeModel;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Online scoring of answers: consumes {@code answers.produced} in the group {@code judge-online}, keeps a sample
 * (decided by the event id, so every instance and every redelivery decides alike), scores it, stores the judgement
 * once per answer, publishes judgement-produced and records each score in a Prometheus summary
 * ({@code ragline_judge_score{metric=...}}).
 *
 * <p>Scores without a model server: {@code embedding_support} (see {@link EmbeddingSupport}) and
 * {@code citation_validity} (the share of cited chunks that are among the retrieved passages). With a model server
 * ({@code judge.model.base-url}), also the RAGAS metrics that need no reference answer (see {@link LlmMetrics}):
 * {@code faithfulness}, {@code answer_relevancy} and {@code context_utilization}, each with method {@code llm} and its
 * prompt version; a metric the model fails on is left out, never replaced under its name.
 */
@ApplicationScoped
@Startup
public class AnswerJudge {

    public static final String IN = "answers-produced";
    private static final Logger LOG = Logger.getLogger(AnswerJudge.class);

    @Inject
    JudgeConfig config;

    @Inject
    Judgements judgements;

    @Inject
    EmbeddingModel embeddings;

    @Inject
    JudgeModel judge;

    @Incoming(IN)
    @Blocking
    public void onAnswer(String json) {
        AnswerProduced answer = EventJson.fromJson(json, AnswerProduced.class);
        if (answer.mode() == AnswerProduced.AnswerMode.NO_EVIDENCE
                || !Judgements.sampled(answer.eventId(), config.online().sampleRate())) {
            return;
        }
        String[] judgeModel = {"none"};
        List<JudgementProduced.Score> scores = score(answer, judgeModel);
        if (scores.isEmpty()) {
            return;
        }
        JudgementProduced judgement =
                JudgementProduced.of(answer.tenant(), "answer", answer.eventId(), scores, judgeModel[0]);
        judgements.publish(judgement);
    }

    List<JudgementProduced.Score> score(AnswerProduced answer, String[] judgeModel) {
        List<JudgementProduced.Score> scores = new ArrayList<>();
        List<String> contexts = answer.contexts().stream()
                .map(AnswerProduced.RetrievedContext::text)
                .toList();
        double support = EmbeddingSupport.score(embeddings, answer.answer(), contexts);
        if (!Double.isNaN(support)) {
            scores.add(new JudgementProduced.Score(EmbeddingSupport.METRIC, support, "embedding", null));
        }
        if (judge.available()) {
            LlmMetrics.Scored llm =
                    LlmMetrics.score(judge, embeddings, answer.question(), answer.answer(), contexts, null);
            scores.addAll(llm.scores());
            if (llm.model() != null) {
                judgeModel[0] = llm.model();
            }
            llm.failures().forEach(f -> LOG.warnf("answer %s not judged on %s", answer.eventId(), f));
        }
        if (!answer.citedChunkIds().isEmpty()) {
            Set<String> retrieved = new HashSet<>();
            answer.contexts().forEach(c -> retrieved.add(c.chunkId()));
            long valid =
                    answer.citedChunkIds().stream().filter(retrieved::contains).count();
            scores.add(new JudgementProduced.Score(
                    "citation_validity", valid / (double) answer.citedChunkIds().size(), "reference", null));
        }
        return scores;
    }
}
