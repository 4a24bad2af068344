package io.ragline.retriever.search;

import com.pgvector.PGvector;
import io.ragline.retriever.config.RetrieverConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Search statements whose plans the database keeps: each fixed-shape statement (no filter) runs through a PL/pgSQL
 * function that wraps it, and PL/pgSQL plans a function's query once per database session and reuses the plan. Only
 * on with {@code retriever.search.session-plans}, which the launcher sets for the embedded PGlite: there the services
 * connect with {@code prepareThreshold=0} (PGlite serves every connection from one session, where the driver's named
 * statements would collide), so each search's statements would otherwise be parsed and planned anew, about a
 * millisecond each. On a PostgreSQL server the driver's server-side prepared statements keep the plans; off, every
 * statement runs as it is.
 *
 * <p>A function is named by a hash of the statement, its parameter types and result columns, so two versions of the
 * retriever never share one, and is created the first time it is needed ({@code CREATE FUNCTION}; another instance
 * having created it first is fine). Where the database refuses (a role without {@code CREATE} on the schema), the
 * statement runs as it is, as before, and this is logged once. Statements with a filter are never wrapped: their text
 * varies with the filter's shape.
 */
@ApplicationScoped
public class SessionPlans {

    private static final Logger LOG = Logger.getLogger(SessionPlans.class);

    /** A statement's parameters, each with its SQL type, bound in order. */
    public static final class Params {

        @FunctionalInterface
        private interface Binder {
            void bind(PreparedStatement ps, int index) throws SQLException;
        }

        private final List<String> types = new ArrayList<>();
        private final List<Binder> binders = new ArrayList<>();
        private boolean fixedShape = true;

        public Params text(String value) {
            return add("text", (ps, i) -> ps.setString(i, value));
        }

        public Params int4(int value) {
            return add("int4", (ps, i) -> ps.setInt(i, value));
        }

        public Params float8(double value) {
            return add("float8", (ps, i) -> ps.setDouble(i, value));
        }

        public Params vector(PGvector value) {
            return add("vector", (ps, i) -> ps.setObject(i, value));
        }

        public Params array(Connection c, String elementType, Object[] values) {
            return add(elementType + "[]", (ps, i) -> ps.setArray(i, c.createArrayOf(elementType, values)));
        }

        /**
         * The values of {@link SearchFilter#sql()}, if there is a filter: a statement with a filter varies with its
         * shape and is never wrapped.
         */
        public Params filter(Connection c, SearchFilter filter) {
            if (filter.sql().isEmpty()) {
                return this;
            }
            fixedShape = false;
            for (Object p : filter.parameters()) {
                if (p instanceof String[] values) {
                    array(c, "text", values);
                } else if (p instanceof BigDecimal number) {
                    add("numeric", (ps, i) -> ps.setBigDecimal(i, number));
                } else {
                    text((String) p);
                }
            }
            return this;
        }

        /** As {@link #filter(Connection, SearchFilter)}, preceded by the tenant if there is a filter. */
        public Params tenantAndFilter(Connection c, String tenant, SearchFilter filter) {
            return filter.sql().isEmpty() ? this : text(tenant).filter(c, filter);
        }

        private Params add(String type, Binder binder) {
            types.add(type);
            binders.add(binder);
            return this;
        }

        private void bind(PreparedStatement ps) throws SQLException {
            for (int i = 0; i < binders.size(); i++) {
                binders.get(i).bind(ps, i + 1);
            }
        }
    }

    /** Reads a statement's result. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    @Inject
    RetrieverConfig config;

    /** Statement key → the function created for it. */
    private final Map<String, String> functions = new ConcurrentHashMap<>();

    /** A refusal that lasts: insufficient_privilege, read_only_sql_transaction, feature_not_supported. */
    private static final Set<String> REFUSALS = Set.of("42501", "25006", "0A000");

    private volatile boolean refused;

    /**
     * Runs {@code sql} (its parameters written {@code ?}, one per entry of {@code params}): as a call of the function
     * wrapping it when that is possible, else as it is. {@code columns} declares the result columns as a function
     * declares them ({@code "id text, score float8"}); the statement's own columns must have exactly these types.
     */
    public <T> T query(Connection c, String sql, String columns, Params params, Reader<T> reader) throws SQLException {
        return query(c, sql, columns, params, reader, true);
    }

    private <T> T query(Connection c, String sql, String columns, Params params, Reader<T> reader, boolean retry)
            throws SQLException {
        String key = String.join(",", params.types) + "|" + columns + "|" + sql;
        Optional<String> function = config.search().sessionPlans() && params.fixedShape && !refused
                ? function(c, key, sql, columns, params)
                : Optional.empty();
        try (PreparedStatement ps =
                c.prepareStatement(function.map(n -> call(n, params)).orElse(sql))) {
            params.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return reader.read(rs);
            }
        } catch (SQLException e) {
            // undefined_function: dropped since (a database recreated under a running service); made again next time
            if (retry && function.isPresent() && "42883".equals(e.getSQLState())) {
                functions.remove(key);
                return query(c, sql, columns, params, reader, false);
            }
            throw e;
        }
    }

    private static String call(String function, Params params) {
        return "SELECT * FROM " + function + "(" + "?, ".repeat(params.types.size() - 1) + "?)";
    }

    private Optional<String> function(Connection c, String key, String sql, String columns, Params params)
            throws SQLException {
        String name = functions.get(key);
        if (name == null) {
            Optional<String> created = create(c, key, sql, columns, params.types);
            created.ifPresent(n -> functions.put(key, n));
            return created;
        }
        return Optional.of(name);
    }

    private Optional<String> create(Connection c, String key, String sql, String columns, List<String> types)
            throws SQLException {
        String name = "ragline_search_" + hash(key);
        StringBuilder body = new StringBuilder();
        int n = 0;
        for (char ch : sql.toCharArray()) {
            if (ch == '?') {
                body.append('$').append(++n);
            } else {
                body.append(ch);
            }
        }
        String ddl = "CREATE FUNCTION " + name + "(" + String.join(", ", types) + ") RETURNS TABLE (" + columns
                + ") LANGUAGE plpgsql STABLE AS $ragline$\n#variable_conflict use_column\nBEGIN RETURN QUERY " + body
                + "; END $ragline$";
        // the callers' connections are in auto-commit mode: the function is there for every session at once
        try (Statement st = c.createStatement()) {
            st.execute(ddl);
            LOG.debugf("created %s", name);
        } catch (SQLException e) {
            String state = e.getSQLState();
            if (REFUSALS.contains(state)) {
                refused = true;
                LOG.infof(
                        "search statements are planned every time: the database refuses to create functions (%s: %s)",
                        state, e.getMessage());
                return Optional.empty();
            }
            // duplicate_function or unique_violation: another instance (or connection) created it first
            if (!"42723".equals(state) && !"23505".equals(state)) {
                // anything else (a connection lost, say): this search runs the statement as it is, the next tries again
                LOG.warnf("could not create %s (%s: %s); running the statement as it is", name, state, e.getMessage());
                return Optional.empty();
            }
        }
        return Optional.of(name);
    }

    private static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
