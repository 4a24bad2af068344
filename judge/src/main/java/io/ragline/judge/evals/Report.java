package io.ragline.judge.evals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * A run's report as one self-contained HTML page: no script, no external stylesheet or CDN; the trend charts are inline
 * SVG. Everything from answers and datasets is HTML-escaped.
 */
final class Report {

    private Report() {}

    static String html(EvalStore.Run run, List<EvalStore.Run> history, List<EvalStore.Result> results) {
        StringBuilder h = new StringBuilder(
                        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>ragline"
                                + " evaluation ")
                .append(esc(run.id()))
                .append("</title><style>body{font:14px/1.5 system-ui,sans-serif;"
                        + "margin:2rem;color:#1d2330}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccd;"
                        + "padding:.3rem .6rem;text-align:left;vertical-align:top}.bad{color:#b3261e}.good{color:#137333}"
                        + ".chart{display:inline-block;margin:0 1rem 1rem 0}</style></head><body>");
        h.append("<h1>Evaluation of <code>").append(esc(run.dataset())).append("</code></h1>");
        h.append("<p>Run <code>")
                .append(esc(run.id()))
                .append("</code>, tenant <code>")
                .append(esc(run.tenant()))
                .append("</code>, started ")
                .append(run.startedAt())
                .append(", status <strong>")
                .append(esc(run.status()))
                .append("</strong>, ")
                .append(run.done())
                .append(" of ")
                .append(run.items())
                .append(" questions.</p>");
        if (run.metadata() != null) {
            JsonNode m = run.metadata();
            h.append("<p id=\"metadata\">Answered by ")
                    .append(esc(m.path("models").toString()))
                    .append(", modes ")
                    .append(esc(m.path("modes").toString()))
                    .append(", prompts ")
                    .append(esc(m.path("promptVersions").toString()))
                    .append("; index versions ")
                    .append(esc(m.path("index").path("indexVersions").toString()))
                    .append(", embedding models ")
                    .append(esc(m.path("index").path("embeddingModels").toString()))
                    .append(", ")
                    .append(m.path("index").path("chunks").asLong())
                    .append(" chunks.</p>");
        }
        if (run.regressed()) {
            h.append("<p class=\"bad\" id=\"regressed\"><strong>Regressed:</strong> ")
                    .append(esc(run.reason()))
                    .append("</p>");
        }
        h.append(
                "<h2>Summary</h2><table id=\"summary\"><tr><th>metric</th><th>mean</th><th>95 % interval (bootstrap)</th>"
                        + "<th>n</th><th>vs previous</th><th>vs baseline</th></tr>");
        JsonNode summary = run.summary();
        if (summary != null) {
            summary.fields().forEachRemaining(e -> {
                JsonNode m = e.getValue();
                h.append("<tr><td>")
                        .append(esc(e.getKey()))
                        .append("</td><td>")
                        .append(f(m.path("mean").asDouble()))
                        .append("</td><td>")
                        .append(f(m.path("low").asDouble()))
                        .append(" – ")
                        .append(f(m.path("high").asDouble()))
                        .append("</td><td>")
                        .append(m.path("n").asInt())
                        .append("</td><td>")
                        .append(delta(run.comparison(), "previous", e.getKey()))
                        .append("</td><td>")
                        .append(delta(run.comparison(), "baseline", e.getKey()))
                        .append("</td></tr>");
            });
        }
        h.append("</table>");

        h.append("<h2>Trends across runs</h2>");
        TreeSet<String> metrics = new TreeSet<>();
        history.stream()
                .filter(r -> r.summary() != null)
                .forEach(r -> r.summary().fieldNames().forEachRemaining(metrics::add));
        for (String metric : metrics) {
            h.append(chart(metric, history));
        }

        h.append("<h2>Worst questions</h2><table id=\"worst\"><tr><th>#</th><th>question</th><th>answer</th>"
                + "<th>scores</th><th>top sources</th></tr>");
        List<EvalStore.Result> worst = new ArrayList<>(results);
        worst.sort(Comparator.comparingDouble(Report::badness));
        for (EvalStore.Result r : worst.subList(0, Math.min(10, worst.size()))) {
            h.append("<tr><td>")
                    .append(r.ordinal())
                    .append("</td><td>")
                    .append(esc(r.question()))
                    .append("</td><td>")
                    .append(esc(r.answer()))
                    .append(" <em>(")
                    .append(esc(r.mode()))
                    .append(")</em></td><td>");
            r.scores()
                    .fields()
                    .forEachRemaining(e -> h.append(esc(e.getKey()))
                            .append(' ')
                            .append(f(e.getValue().asDouble()))
                            .append("<br>"));
            h.append("</td><td>");
            int n = 0;
            for (JsonNode s : r.sources()) {
                if (n++ == 3) {
                    break;
                }
                h.append(esc(s.path("title").asText(s.path("documentId").asText())))
                        .append(": ")
                        .append(esc(s.path("snippet").asText()))
                        .append("<br>");
            }
            h.append("</td></tr>");
        }
        return h.append("</table></body></html>").toString();
    }

    /** Lower is worse: the mean of the question's scores. */
    private static double badness(EvalStore.Result r) {
        double sum = 0;
        int n = 0;
        for (var it = r.scores().elements(); it.hasNext(); ) {
            sum += it.next().asDouble();
            n++;
        }
        return n == 0 ? 0 : sum / n;
    }

    /** One metric's mean across completed runs, as an inline SVG line chart (y from 0 to 1). */
    private static String chart(String metric, List<EvalStore.Run> history) {
        List<Double> points = new ArrayList<>();
        for (EvalStore.Run r : history) {
            if (r.summary() != null && r.summary().has(metric)) {
                points.add(r.summary().path(metric).path("mean").asDouble());
            }
        }
        int w = 320;
        int hgt = 140;
        int pad = 24;
        StringBuilder s = new StringBuilder(
                        "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(w)
                .append("\" height=\"")
                .append(hgt)
                .append("\" role=\"img\" aria-label=\"")
                .append(esc(metric))
                .append(" across runs\" data-metric=\"")
                .append(esc(metric))
                .append("\">");
        s.append("<rect x=\"0\" y=\"0\" width=\"")
                .append(w)
                .append("\" height=\"")
                .append(hgt)
                .append("\" fill=\"#f6f7f9\"/>");
        s.append("<line x1=\"")
                .append(pad)
                .append("\" y1=\"")
                .append(hgt - pad)
                .append("\" x2=\"")
                .append(w - 8)
                .append("\" y2=\"")
                .append(hgt - pad)
                .append("\" stroke=\"#889\"/>");
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < points.size(); i++) {
            double x = pad + (points.size() == 1 ? 0 : (w - pad - 16) * i / (double) (points.size() - 1));
            double y = hgt - pad - (hgt - 2 * pad) * Math.max(0, Math.min(1, points.get(i)));
            path.append(i == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
            s.append(String.format(
                    Locale.ROOT,
                    "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#2f5bd3\"><title>%s</title>" + "</circle>",
                    x,
                    y,
                    f(points.get(i))));
        }
        s.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"#2f5bd3\" stroke-width=\"2\"/>");
        s.append("<text x=\"")
                .append(pad)
                .append("\" y=\"14\" font-size=\"12\">")
                .append(esc(metric))
                .append("</text>");
        return s.append("</svg></figure>").toString();
    }

    private static String delta(JsonNode comparison, String against, String metric) {
        if (comparison == null || !comparison.path(against).has(metric)) {
            return "–";
        }
        double d = comparison.path(against).path(metric).asDouble();
        return "<span class=\"" + (d < 0 ? "bad" : "good") + "\">" + String.format(Locale.ROOT, "%+.4f", d) + "</span>";
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
