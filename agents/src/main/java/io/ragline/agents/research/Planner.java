package io.ragline.agents.research;

import io.ragline.model.AiCalls;
import io.ragline.model.Prompts;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The planner: an outline and {@code breadth} sub-questions, then follow-up sub-questions per level of depth. */
final class Planner {

    /** An outline and the sub-questions, with the tokens the model spent. */
    record Plan(List<String> outline, List<String> questions, int tokens) {}

    private Planner() {}

    static Plan plan(ResearchModel model, String question, int breadth) {
        AiCalls.Tally calls = model.tally();
        ResearchPrompts.Plan plan = model.ask(calls, (p, id) -> p.plan(id, question, breadth));
        return new Plan(
                Prompts.nonBlank(plan.outline()),
                distinct(Prompts.nonBlank(plan.questions()), Set.of(), breadth),
                calls.tokens());
    }

    /** Without a model: the question itself, then its key phrases, {@code breadth} in all; the outline follows them. */
    static Plan extractive(String question, int breadth) {
        List<String> questions = new ArrayList<>();
        questions.add(question);
        questions.addAll(KeyPhrases.phrases(question, breadth));
        List<String> chosen = distinct(questions, Set.of(), breadth);
        return new Plan(chosen, chosen, 0);
    }

    static Plan followUps(
            ResearchModel model, String question, List<String> researched, List<String> notes, int breadth) {
        AiCalls.Tally calls = model.tally();
        ResearchPrompts.Questions more = model.ask(
                calls,
                (p, id) -> p.followUps(id, question, Prompts.numbered(researched), Prompts.numbered(notes), breadth));
        return new Plan(
                List.of(),
                distinct(Prompts.nonBlank(more.questions()), Set.copyOf(researched), breadth),
                calls.tokens());
    }

    private static List<String> distinct(List<String> questions, Set<String> excluded, int max) {
        Set<String> seen = new LinkedHashSet<>();
        for (String q : questions) {
            if (!excluded.contains(q) && seen.stream().noneMatch(s -> s.equalsIgnoreCase(q))) {
                seen.add(q);
            }
        }
        return seen.stream().limit(max).toList();
    }
}
