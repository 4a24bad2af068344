package io.ragline.agents.research;

import io.ragline.model.testing.ScriptedModelServer.Reply;
import io.ragline.model.testing.ScriptedModelServer.Request;
import io.ragline.retriever.client.testing.StubRetriever;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scripted research model and a small corpus: the planner asks about the question's parts, the researchers' notes
 * quote their passages, the writer's first draft adds one claim no source supports ("cheese"), which the reviewer
 * rejects and the revision drops.
 */
public final class ResearchScript {

    public static final List<StubRetriever.Hit> CORPUS = List.of(
            new StubRetriever.Hit(
                    "k1", "kafka-guide", "Kafka guide", "Consumers in a group share the partitions of a topic.", 0.8),
            new StubRetriever.Hit(
                    "k2", "kafka-guide", "Kafka guide", "Each partition is read by one consumer of the group.", 0.7),
            new StubRetriever.Hit(
                    "k3",
                    "kafka-ops",
                    "Kafka operations",
                    "Offsets are committed after the records are processed.",
                    0.7),
            new StubRetriever.Hit(
                    "p1", "pg-notes", "PostgreSQL notes", "Vacuum reclaims the space of dead rows in PostgreSQL.", 0.6),
            new StubRetriever.Hit(
                    "p2", "pg-notes", "PostgreSQL notes", "Transactions in PostgreSQL see a consistent snapshot.", 0.6),
            new StubRetriever.Hit(
                    "v1", "pgvector", "pgvector readme", "HNSW indexes make vector search fast on large tables.", 0.6));

    private static final Pattern WANTED = Pattern.compile("wanted: (\\d+)");
    private static final Pattern NOTE = Pattern.compile("^- (.*) \\(sources ([0-9, ]+)\\)$", Pattern.MULTILINE);

    private ResearchScript() {}

    /** Passages sharing a word of four letters or more with the query, best first, at most three. */
    public static List<StubRetriever.Hit> search(String query) {
        if (query.contains("FAIL")) {
            throw new IllegalStateException("scripted retriever failure");
        }
        List<StubRetriever.Hit> out = new ArrayList<>();
        for (StubRetriever.Hit h : CORPUS) {
            for (String w : query.toLowerCase(Locale.ROOT).split("\\W+")) {
                if (w.length() >= 4 && h.text().toLowerCase(Locale.ROOT).contains(w)) {
                    out.add(h);
                    break;
                }
            }
        }
        return out.stream().limit(3).toList();
    }

    public static Reply answer(Request r) {
        String system = r.system();
        String user = r.user();
        if (system.startsWith("You plan a research report")) {
            int n = wanted(user);
            List<String> topics = List.of(
                    "kafka consumers partitions",
                    "offsets committed",
                    "postgresql vacuum",
                    "transactions snapshot",
                    "vector search indexes");
            List<String> qs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                qs.add("\"How do " + topics.get(i % topics.size()) + " work?\"");
            }
            return Reply.text("{\"outline\":[\"Consumers\",\"Storage\"],\"questions\":[" + String.join(",", qs) + "]}");
        }
        if (system.startsWith("You continue a research")) {
            int n = wanted(user);
            List<String> qs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                qs.add("\"What else about partition " + (i + 1) + " and vector indexes?\"");
            }
            return Reply.text("{\"questions\":[" + String.join(",", qs) + "]}");
        }
        if (system.startsWith("Rewrite a research sub-question")) {
            return Reply.text("{\"queries\":[\""
                    + user.replaceAll("(?s).*<question>(.*)</question>.*", "$1").replace("\"", "") + " details\"]}");
        }
        if (system.startsWith("Extract research notes")) {
            int passages = user.split("<passage n=", -1).length - 1;
            StringBuilder notes = new StringBuilder("{\"notes\":[");
            Matcher m = Pattern.compile("<passage n=\"(\\d+)\">(.*?)</passage>", Pattern.DOTALL)
                    .matcher(user);
            int i = 0;
            while (m.find() && i < passages) {
                notes.append(i++ > 0 ? "," : "")
                        .append("{\"text\":\"")
                        .append(m.group(2).replace("\"", ""))
                        .append("\",\"passages\":[")
                        .append(m.group(1))
                        .append("]}");
            }
            return Reply.text(notes.append("]}").toString());
        }
        if (system.startsWith("Write a research report")) {
            StringBuilder claims = new StringBuilder();
            Matcher m = NOTE.matcher(user);
            java.util.Set<String> seen = new java.util.HashSet<>();
            while (m.find()) {
                if (seen.add(m.group(1))) {
                    claims.append(claims.length() > 0 ? "," : "")
                            .append("{\"text\":\"")
                            .append(m.group(1))
                            .append("\",\"sources\":[")
                            .append(m.group(2))
                            .append("]}");
                }
            }
            if (!user.contains("<issues>")) {
                claims.append(",{\"text\":\"The moon is made of cheese.\",\"sources\":[1]}");
            }
            return Reply.text("{\"title\":\"How ragline's stack works\",\"sections\":[{\"heading\":\"Findings\","
                    + "\"claims\":[" + claims + "]}]}");
        }
        if (system.startsWith("Check a research report's claims")) {
            Matcher m = Pattern.compile("<claim n=\"(\\d+)\">([^\\n]*)").matcher(user);
            StringBuilder v = new StringBuilder("{\"verdicts\":[");
            int i = 0;
            while (m.find()) {
                boolean cheese = m.group(2).contains("cheese");
                v.append(i++ > 0 ? "," : "")
                        .append("{\"claim\":")
                        .append(m.group(1))
                        .append(",\"verdict\":")
                        .append(cheese ? 0 : 1)
                        .append(",\"reason\":\"")
                        .append(cheese ? "no source says so" : "stated")
                        .append("\"}");
            }
            return Reply.text(v.append("]}").toString());
        }
        return Reply.error(
                400, "unexpected prompt: " + system.lines().findFirst().orElse(""));
    }

    private static int wanted(String user) {
        Matcher m = WANTED.matcher(user);
        return m.find() ? Integer.parseInt(m.group(1)) : 3;
    }
}
