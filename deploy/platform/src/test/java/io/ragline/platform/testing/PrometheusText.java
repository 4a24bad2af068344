package io.ragline.platform.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Reads a service's Prometheus text ({@code /q/metrics}) for tests and benchmarks. */
public final class PrometheusText {

    private PrometheusText() {}

    /**
     * The sum of a service's Prometheus series whose line starts with {@code name} (a metric name, or a name with its
     * labels, e.g. {@code ragline_ingest_documents_total{outcome="unchanged"}}); 0 when there is none.
     */
    public static double metric(HttpClient http, String service, String name) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(service + "/q/metrics"))
                        .header("accept", "text/plain")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body()
                .lines()
                // the text format writes labels with a trailing comma ({outcome="indexed",}); OpenMetrics does not
                .map(l -> l.replace(",}", "}"))
                .filter(l -> l.startsWith(name))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
