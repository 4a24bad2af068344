package io.ragline.judge.online;

import dev.langchain4j.model.embedding.EmbeddingModel;
import io.quarkus.runtime.Startup;
import io.ragline.contracts.EventJson;
import io.ragline.contracts.judgement.JudgementProduced;
import io.ragline.contracts.research.ResearchCompleted;
import io.ragline.judge.config.JudgeConfig;
import io.ragline.judge.index.IndexText;
import io.ragline.judge.metrics.EmbeddingSupport;
import io.ragline.judge.metrics.Faithfulness;
import io.ragline.judge.model.JudgeModel;
import io.ragline.model.ModelUnavailableException;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Online scoring of research reports: consumes {@code research.completed} in the group {@code judge-research}, keeps
 * the same hash-decided sample, and judges completed and budget-exhausted reports against the full text of the chunks
 * they cite (read from PostgreSQL). Scores: {@code citation_coverage} (the share of the report's sentences that cite a
 * source) and {@code research_complete} (1 when nothing is missing), method {@code rule}; {@code embedding_support}
 * of the report's sentences, method {@code embedding}; with a judge model RAGAS {@code faithfulness} of the report,
 * method {@code llm}.
 */
@ApplicationScoped
@Startup
public class ResearchJudge {

    public static final String IN = "research-completed";
    private static final Logger LOG = Logger.getLogger(ResearchJudge.class);
    private static final Pattern CITED = Pattern.compile("\\[\\d+]\\s*[.!?]?\\s*$");

    @Inject
    JudgeConfig config;

    @Inject
    Judgements judgements;

    @Inject
    JudgeModel judge;

    @Inject
    EmbeddingModel embeddings;

    @Inject
    IndexText indexText;

    @Incoming(IN)
    @Blocking
    public void onReport(String json) {
        ResearchCompleted report = EventJson.fromJson(json, ResearchCompleted.class);
        boolean judged = report.status() == ResearchCompleted.Status.COMPLETED
                || report.status() == ResearchCompleted.Status.BUDGET_EXHAUSTED;
        if (!judged
                || report.reportMarkdown() == null
                || !Judgements.sampled(report.eventId(), config.online().sampleRate())) {
            return;
        }
        String[] judgeModel = {"none"};
        List<JudgementProduced.Score> scores = score(report, judgeModel);
        judgements.publish(JudgementProduced.of(report.tenant(), "research", report.eventId(), scores, judgeModel[0]));
    }

    /** The report's findings: the text before its lists of what is missing, removed and referenced. */
    static String body(String markdown) {
        String body = markdown;
        for (String end : List.of("\n## What is missing", "\n## Removed in review", "\n## References")) {
            int i = body.indexOf(end);
            if (i >= 0) {
                body = body.substring(0, i);
            }
        }
        StringBuilder out = new StringBuilder();
        for (String line : body.split("\n")) {
            if (!line.startsWith("#") && !line.startsWith(">") && !line.isBlank()) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    List<JudgementProduced.Score> score(ResearchCompleted report, String[] judgeModel) {
        List<JudgementProduced.Score> scores = new ArrayList<>();
        String body = body(report.reportMarkdown());
        List<String> raw = new ArrayList<>();
        for (String s : body.split("(?<=[.!?])\\s+|\\n+")) {
            if (s.chars().filter(Character::isLetterOrDigit).count() >= 3) {
                raw.add(s.strip());
            }
        }
        if (!raw.isEmpty()) {
            long cited = raw.stream().filter(s -> CITED.matcher(s).find()).count();
            scores.add(new JudgementProduced.Score("citation_coverage", cited / (double) raw.size(), "rule", null));
        }
        scores.add(new JudgementProduced.Score(
                "research_complete",
                report.status() == ResearchCompleted.Status.COMPLETED
                                && report.missing().isEmpty()
                        ? 1
                        : 0,
                "rule",
                null));
        Map<String, String> texts = indexText.chunkTexts(
                report.tenant(),
                report.sources().stream().map(ResearchCompleted.Source::chunkId).toList());
        List<String> contexts = new ArrayList<>(texts.values());
        if (contexts.isEmpty()) {
            return scores;
        }
        double support = EmbeddingSupport.score(embeddings, body, contexts);
        if (Double.isNaN(support)) {
            return scores; // no sentence to judge
        }
        scores.add(new JudgementProduced.Score(EmbeddingSupport.METRIC, support, "embedding", null));
        if (judge.available()) {
            try {
                Faithfulness.Result f = Faithfulness.score(judge, report.question(), body, contexts);
                if (!Double.isNaN(f.value())) {
                    scores.add(new JudgementProduced.Score(
                            Faithfulness.METRIC, f.value(), "llm", Faithfulness.PROMPT_VERSION));
                    judgeModel[0] = f.model();
                }
            } catch (ModelUnavailableException e) {
                LOG.warnf("research report %s not judged by the model: %s", report.eventId(), e.getMessage());
            }
        }
        return scores;
    }
}
