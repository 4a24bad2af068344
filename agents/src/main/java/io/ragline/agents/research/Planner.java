package io.ragline.agents.research;

import com.fasterxml.jackson.databind.JsonNode;
import io.ragline.model.JsonCalls;
import io.ragline.model.ModelServer;
import io.ragline.model.Prompts;
import io.ragline.model.Task;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The planner: an outline and {@code breadth} sub-questions, then follow-up sub-questions per level of depth. */
final class Planner {

    static final String PLAN = Prompts.load(Planner.class, "prompts/research-plan.v1.txt");
    static final String FOLLOW_UP = Prompts.load(Planner.class, "prompts/research-followup.v1.txt");

    /** An outline and the sub-questions, with the tokens the model spent. */
    record Plan(List<String> outline, List<String> questions, int tokens) {}

    private Planner() {}

    static Plan plan(ModelServer models, String question, int breadth) {
        JsonCalls calls = new JsonCalls(models, Task.RESEARCH);
        JsonNode j = calls.ask(
                PLAN,
                "<question>" + question + "</question>\nSub-questions wanted: " + breadth,
                n -> n.path("questions").isArray() && !n.path("questions").isEmpty());
        return new Plan(
                JsonCalls.texts(j.path("outline")),
                distinct(JsonCalls.texts(j.path("questions")), Set.of(), breadth),
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
            ModelServer models, String question, List<String> researched, List<String> notes, int breadth) {
        JsonCalls calls = new JsonCalls(models, Task.RESEARCH);
        StringBuilder data = new StringBuilder("<question>")
                .append(question)
                .append("</question>\n<researched>\n")
                .append(JsonCalls.numbered(researched))
                .append("</researched>\n<notes>\n")
                .append(JsonCalls.numbered(notes))
                .append("</notes>\nFollow-up questions wanted: ")
                .append(breadth);
        JsonNode j =
                calls.ask(FOLLOW_UP, data.toString(), n -> n.path("questions").isArray());
        return new Plan(
                List.of(),
                distinct(JsonCalls.texts(j.path("questions")), Set.copyOf(researched), breadth),
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
