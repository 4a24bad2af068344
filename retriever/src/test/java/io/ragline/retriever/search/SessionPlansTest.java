package io.ragline.retriever.search;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ragline.retriever.config.RetrieverConfig;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@link SessionPlans} sends to a database that creates its functions, refuses to, or fails once (the real
 * database's side is in {@code SearchIT}): a scripted JDBC connection records every statement.
 */
class SessionPlansTest {

    private static final String SQL = "SELECT id FROM chunks WHERE tenant = ? LIMIT ?";

    /** The statements a scripted connection received: DDL executed, then statements prepared. */
    private final List<String> ddl = new ArrayList<>();

    private final List<String> prepared = new ArrayList<>();

    /** SQLSTATEs the next CREATE FUNCTIONs fail with (null: succeeds). */
    private final List<String> createFailures = new ArrayList<>();

    @Test
    void aFixedShapeStatementRunsThroughTheFunctionCreatedOnce() throws SQLException {
        SessionPlans plans = plans(true);
        run(plans, params());
        run(plans, params());
        assertThat(ddl).hasSize(1);
        assertThat(ddl.get(0))
                .startsWith("CREATE FUNCTION ragline_search_")
                .contains("(text, int4) RETURNS TABLE (id text)")
                .contains("RETURN QUERY SELECT id FROM chunks WHERE tenant = $1 LIMIT $2;");
        String function =
                ddl.get(0).substring("CREATE FUNCTION ".length(), ddl.get(0).indexOf('('));
        assertThat(prepared)
                .containsExactly("SELECT * FROM " + function + "(?, ?)", "SELECT * FROM " + function + "(?, ?)");
    }

    @Test
    void aDatabaseThatRefusesFunctionsIsAskedOnceAndGetsTheStatementAsItIs() throws SQLException {
        SessionPlans plans = plans(true);
        createFailures.add("42501");
        run(plans, params());
        run(plans, params());
        assertThat(ddl).hasSize(1);
        assertThat(prepared).containsExactly(SQL, SQL);
    }

    @Test
    void anotherFailureFallsBackOnceAndIsTriedAgain() throws SQLException {
        SessionPlans plans = plans(true);
        createFailures.add("08006");
        run(plans, params());
        run(plans, params());
        assertThat(ddl).hasSize(2);
        assertThat(prepared.get(0)).isEqualTo(SQL);
        assertThat(prepared.get(1)).startsWith("SELECT * FROM ragline_search_");
    }

    @Test
    void aFilteredStatementOrTheSettingOffIsNeverWrapped() throws Exception {
        run(plans(false), params());
        SessionPlans on = plans(true);
        Connection c = connection();
        on.query(
                c,
                SQL,
                "id text",
                new SessionPlans.Params()
                        .text("t")
                        .filter(c, SearchFilter.parse(new ObjectMapper().readTree("{\"sources\": [\"wiki\"]}")))
                        .int4(3),
                rs -> null);
        assertThat(ddl).isEmpty();
        assertThat(prepared).containsExactly(SQL, SQL);
    }

    private SessionPlans.Params params() {
        return new SessionPlans.Params().text("t").int4(3);
    }

    private void run(SessionPlans plans, SessionPlans.Params params) throws SQLException {
        plans.query(connection(), SQL, "id text", params, rs -> {
            assertThat(rs.next()).isFalse();
            return null;
        });
    }

    private static SessionPlans plans(boolean on) {
        RetrieverConfig.Search search = proxy(RetrieverConfig.Search.class, (m, a) -> on);
        SessionPlans plans = new SessionPlans();
        plans.config = proxy(RetrieverConfig.class, (m, a) -> search);
        return plans;
    }

    private Connection connection() {
        ResultSet empty = proxy(ResultSet.class, (m, a) -> m.equals("next") ? false : null);
        return proxy(Connection.class, (m, a) -> switch (m) {
            case "createStatement" ->
                proxy(Statement.class, (sm, sa) -> {
                    if (sm.equals("execute")) {
                        ddl.add((String) sa[0]);
                        String failure = createFailures.isEmpty() ? null : createFailures.remove(0);
                        if (failure != null) {
                            throw new SQLException("scripted", failure);
                        }
                        return false;
                    }
                    return null;
                });
            case "prepareStatement" -> {
                prepared.add((String) a[0]);
                yield proxy(PreparedStatement.class, (pm, pa) -> pm.equals("executeQuery") ? empty : null);
            }
            default -> null;
        });
    }

    @FunctionalInterface
    private interface Handler {
        Object handle(String method, Object[] args) throws Throwable;
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, Handler handler) {
        return (T) Proxy.newProxyInstance(SessionPlansTest.class.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> {
            if (m.getName().equals("close")) {
                return null;
            }
            Object result = handler.handle(m.getName(), a);
            if (result == null && m.getReturnType() == boolean.class) {
                return false;
            }
            if (result == null && m.getReturnType() == int.class) {
                return 0;
            }
            return result;
        });
    }
}
