package io.ragline.retriever.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A request's {@code filters}, validated and turned into a SQL condition over {@code chunks c} and
 * {@code documents d} whose every value is a bound parameter: nothing a caller sends becomes SQL text.
 *
 * <pre>
 * "filters": {
 *   "documentIds": ["handbook", "faq"],
 *   "sources": ["upload"],
 *   "metadata": {
 *     "team": "search",                      equals (string, number or boolean)
 *     "lang": {"in": ["en", "de"]},          one of
 *     "year": {"gte": 2020, "lt": 2025},     number range
 *     "date": {"gte": "2024-01-01"}          string range (ISO dates compare correctly)
 *   }
 * }
 * </pre>
 */
public record SearchFilter(String sql, List<Object> parameters, boolean needsDocuments) {

    /** No filter. */
    public static final SearchFilter NONE = new SearchFilter("", List.of(), false);

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final Set<String> FIELDS = Set.of("documentIds", "sources", "metadata");
    private static final Set<String> OPERATORS = Set.of("eq", "in", "gt", "gte", "lt", "lte");
    private static final Map<String, String> COMPARISONS = Map.of("gt", ">", "gte", ">=", "lt", "<", "lte", "<=");
    private static final int MAX_VALUES = 1000;

    /** Parses {@code filters} (null or missing: no filter); throws {@link InvalidSearchException} saying what is wrong. */
    public static SearchFilter parse(JsonNode filters) {
        if (filters == null || filters.isNull() || filters.isMissingNode()) {
            return NONE;
        }
        if (!filters.isObject()) {
            throw new InvalidSearchException("filters must be an object with documentIds, sources or metadata");
        }
        StringBuilder sql = new StringBuilder();
        List<Object> params = new ArrayList<>();
        boolean needsDocuments = false;
        for (Iterator<String> names = filters.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new InvalidSearchException(
                        "unknown filter '" + name + "'; supported: documentIds, sources, metadata");
            }
        }
        JsonNode ids = filters.get("documentIds");
        if (ids != null && !ids.isNull()) {
            sql.append(" AND c.document_id = ANY (?)");
            params.add(strings(ids, "filters.documentIds"));
        }
        JsonNode sources = filters.get("sources");
        if (sources != null && !sources.isNull()) {
            sql.append(" AND d.source = ANY (?)");
            params.add(strings(sources, "filters.sources"));
            needsDocuments = true;
        }
        JsonNode metadata = filters.get("metadata");
        if (metadata != null && !metadata.isNull()) {
            if (!metadata.isObject()) {
                throw new InvalidSearchException("filters.metadata must be an object of key: condition");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = metadata.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                metadataCondition(field.getKey(), field.getValue(), sql, params);
                needsDocuments = true;
            }
        }
        return new SearchFilter(sql.toString(), List.copyOf(params), needsDocuments);
    }

    private static void metadataCondition(String key, JsonNode condition, StringBuilder sql, List<Object> params) {
        String where = "filters.metadata." + key;
        if (!KEY.matcher(key).matches()) {
            throw new InvalidSearchException(
                    "metadata key '" + key + "' is not allowed: use 1-64 letters, digits or" + " . _ : -");
        }
        if (!condition.isObject()) {
            equalsCondition(key, scalar(condition, where), sql, params);
            return;
        }
        if (condition.isEmpty()) {
            throw new InvalidSearchException(where + " has no operator; use one of " + OPERATORS);
        }
        for (Iterator<Map.Entry<String, JsonNode>> ops = condition.fields(); ops.hasNext(); ) {
            Map.Entry<String, JsonNode> op = ops.next();
            String name = op.getKey();
            JsonNode value = op.getValue();
            switch (name) {
                case "eq" -> equalsCondition(key, scalar(value, where + ".eq"), sql, params);
                case "in" -> {
                    if (!value.isArray() || value.isEmpty() || value.size() > MAX_VALUES) {
                        throw new InvalidSearchException(
                                where + ".in must be a list of 1 to " + MAX_VALUES + " values");
                    }
                    sql.append(" AND (");
                    for (int i = 0; i < value.size(); i++) {
                        sql.append(i == 0 ? "" : " OR ").append("d.metadata @> ?::jsonb");
                        params.add(containment(key, scalar(value.get(i), where + ".in[" + i + "]")));
                    }
                    sql.append(')');
                }
                case "gt", "gte", "lt", "lte" -> {
                    String cmp = COMPARISONS.get(name);
                    if (value.isNumber()) {
                        // only numeric values take part in a numeric range; anything else never matches
                        sql.append(" AND (CASE WHEN jsonb_typeof(d.metadata -> ?) = 'number'"
                                        + " THEN (d.metadata ->> ?)::numeric END) ")
                                .append(cmp)
                                .append(" ?");
                        params.add(key);
                        params.add(key);
                        params.add(value.decimalValue());
                    } else if (value.isTextual()) {
                        sql.append(" AND (CASE WHEN jsonb_typeof(d.metadata -> ?) = 'string'"
                                        + " THEN d.metadata ->> ? END) ")
                                .append(cmp)
                                .append(" ? COLLATE \"C\"");
                        params.add(key);
                        params.add(key);
                        params.add(value.asText());
                    } else {
                        throw new InvalidSearchException(where + "." + name + " must be a number or a string");
                    }
                }
                default ->
                    throw new InvalidSearchException(
                            "unknown operator '" + name + "' in " + where + "; use one of " + OPERATORS);
            }
        }
    }

    private static void equalsCondition(String key, JsonNode value, StringBuilder sql, List<Object> params) {
        sql.append(" AND d.metadata @> ?::jsonb");
        params.add(containment(key, value));
    }

    /** {@code {"key": value}} as JSON text, for jsonb containment (type-exact: 1 does not match "1"). */
    private static String containment(String key, JsonNode value) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.set(key, value);
        return node.toString();
    }

    private static JsonNode scalar(JsonNode value, String where) {
        if (value == null || !(value.isTextual() || value.isNumber() || value.isBoolean())) {
            throw new InvalidSearchException(where + " must be a string, a number or a boolean");
        }
        return value;
    }

    private static String[] strings(JsonNode node, String where) {
        if (!node.isArray() || node.isEmpty() || node.size() > MAX_VALUES) {
            throw new InvalidSearchException(where + " must be a list of 1 to " + MAX_VALUES + " strings");
        }
        String[] values = new String[node.size()];
        for (int i = 0; i < node.size(); i++) {
            if (!node.get(i).isTextual()) {
                throw new InvalidSearchException(where + "[" + i + "] must be a string");
            }
            values[i] = node.get(i).asText();
        }
        return values;
    }
}
