package io.ragline.agents.research;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ragline.agents.config.AgentsConfig;
import io.ragline.agents.model.AgentModel;
import io.ragline.model.ModelUnavailableException;
import io.ragline.retriever.client.RetrieverClient;
import io.ragline.retriever.client.RetrieverUnavailableException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Does one step's work and stores its result once: a researcher answers its sub-question from the retriever, the
 * writer drafts (or revises) the report, the reviewer checks each claim against its sources. A model that fails mid-way
 * leaves the step done with what could be made without it (notes from the retriever, the previous draft, no review);
 * cancellation is checked before every model call.
 */
@ApplicationScoped
class StepRunner {

    private static final Logger LOG = Logger.getLogger(StepRunner.class);

    /** Thrown at a checkpoint of a job whose cancellation was asked for. */
    static final class Cancelled extends RuntimeException {
        Cancelled() {
            super("cancelled", null, false, false);
        }
    }

    @Inject
    ResearchStore store;

    @Inject
    AgentsConfig config;

    @Inject
    AgentModel agentModel;

    @Inject
    ResearchPrompts prompts;

    @Inject
    Drafts drafts;

    @Inject
    ResearchMessages messages;

    private RetrieverClient retriever;

    @PostConstruct
    void init() {
        retriever = new RetrieverClient(
                config.research().retrieverUrl(), config.research().retrieverTimeout());
    }

    /** The research prompts on the configured model (see {@link ResearchModel#available()}). */
    ResearchModel model() {
        return new ResearchModel(agentModel, prompts);
    }

    /**
     * Runs the step and stores its result.
     *
     * @throws Cancelled when the job's cancellation was asked for before a model call
     */
    void run(ResearchStore.Job job, ResearchStore.Step step) {
        Runnable checkpoint = () -> {
            if (store.cancelRequested(job.id())) {
                throw new Cancelled();
            }
        };
        int[] tokens = {0};
        switch (step.kind()) {
            case "research" -> research(job, step, checkpoint, tokens);
            case "write" -> {
                Report report = write(job, checkpoint, tokens);
                store.complete(
                        job.id(), step.stepId(), "done", ResearchStore.JSON.valueToTree(report), tokens[0], null);
            }
            case "review" -> {
                Report report = drafts.report(job.id(), job.round());
                ObjectNode result = ResearchStore.JSON.createObjectNode();
                try {
                    result.set(
                            "verdicts",
                            ResearchStore.JSON.valueToTree(Reviewer.review(model(), report, checkpoint, tokens)));
                } catch (ModelUnavailableException e) {
                    LOG.warnf("research %s: the reviewer failed: %s", job.id(), e.getMessage());
                    result.put("skipped", "the reviewer failed: " + e.getMessage());
                }
                store.complete(job.id(), step.stepId(), "done", result, tokens[0], null);
            }
            default -> store.complete(job.id(), step.stepId(), "failed", null, 0, "unknown step kind");
        }
    }

    private void research(ResearchStore.Job job, ResearchStore.Step step, Runnable checkpoint, int[] tokens) {
        Researcher.Search search = new Researcher.Search(
                retriever, job.tenant(), job.filters(), config.research().passagesPerQuery());
        try {
            ObjectNode result = "model".equals(job.mode())
                    ? Researcher.research(
                            model(),
                            search,
                            step.question(),
                            config.research().queriesPerQuestion(),
                            checkpoint,
                            tokens)
                    : Researcher.extractive(search, step.question());
            store.complete(job.id(), step.stepId(), "done", result, tokens[0], null);
        } catch (ModelUnavailableException | RetrieverUnavailableException | IllegalArgumentException e) {
            LOG.warnf("research %s: sub-question '%s' failed: %s", job.id(), step.question(), e.getMessage());
            store.complete(job.id(), step.stepId(), "failed", null, tokens[0], e.getMessage());
        }
        messages.progress(job, "researching", "researched: " + step.question());
    }

    /** The report of this round: the model's draft or revision, else the previous draft, else extractive. */
    private Report write(ResearchStore.Job job, Runnable checkpoint, int[] tokens) {
        Writer.Material material = Writer.material(store.steps(job.id(), "research"), job.maxSources());
        if (!"model".equals(job.mode())) {
            return Writer.extractive(job.question(), material, "extractive");
        }
        Report draft = job.round() == 0 ? null : drafts.report(job.id(), job.round() - 1);
        List<Writer.Issue> issues = job.round() == 0 ? List.of() : drafts.issues(job.id(), job.round() - 1);
        try {
            return Writer.write(model(), job.question(), job.outline(), material, draft, issues, checkpoint, tokens);
        } catch (ModelUnavailableException e) {
            LOG.warnf("research %s: the writer failed: %s", job.id(), e.getMessage());
            return draft != null ? draft : Writer.extractive(job.question(), material, "extractive");
        }
    }
}
