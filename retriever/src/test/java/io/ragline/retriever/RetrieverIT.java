package io.ragline.retriever;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ragline.runtime.testing.PostgresTestResource;
import io.ragline.runtime.testing.ServiceEndpointsContract;

/** The retriever service's operational endpoints against the real infrastructure it depends on. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class RetrieverIT extends ServiceEndpointsContract {

    @Override
    protected String[] readinessChecks() {
        return new String[] {"Database connections health check"};
    }

    @Override
    protected String documentedPath() {
        return "/v1/search";
    }
}
