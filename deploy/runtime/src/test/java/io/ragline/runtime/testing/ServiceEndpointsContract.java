package io.ragline.runtime.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import org.junit.jupiter.api.Test;

/**
 * What every ragline service promises operators, checked against the real broker and database: readiness that
 * names its dependencies, Prometheus metrics, an OpenAPI document and Swagger UI. A service's {@code *IT} extends it,
 * annotated {@code @QuarkusTest} with the test resources it needs.
 */
public abstract class ServiceEndpointsContract {

    /** Names of the readiness checks this service must report UP. */
    protected abstract String[] readinessChecks();

    /** A path the service's OpenAPI document must describe, or null while it has no API of its own yet. */
    protected abstract String documentedPath();

    @Test
    void readyWithItsDependenciesUp() {
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems(readinessChecks()));
    }

    @Test
    void servesPrometheusMetrics() {
        given().accept("text/plain")
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .contentType(containsString("text/plain"))
                .body(containsString("jvm_memory_used_bytes"))
                .body(containsString("# TYPE process_cpu_usage gauge"));
    }

    @Test
    void publishesItsOpenApiAndSwaggerUi() {
        given().accept("application/json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .body(containsString(documentedPath() == null ? "\"openapi\"" : documentedPath()));
        given().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger"));
    }
}
