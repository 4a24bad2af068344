package io.ragline.gateway.access;

import io.agroal.api.AgroalDataSource;
import io.ragline.gateway.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * API keys in PostgreSQL, stored as SHA-256 hashes. One statement per request authenticates the key, counts the
 * request in its one-minute window and reads the tokens it spent today, so limits hold across gateway instances.
 */
@ApplicationScoped
public class ApiKeys {

    /** A key as the admin API shows it (never the key itself, except once at creation). */
    public record KeyInfo(
            String id,
            String tenant,
            String name,
            int ratePerMinute,
            long dailyTokens,
            long tokensToday,
            Instant createdAt,
            Instant revokedAt) {}

    /** A created key: {@code key} is shown this once. */
    public record Created(String key, KeyInfo info) {}

    /** What one request learned about its key. */
    record Check(
            String id,
            String tenant,
            boolean revoked,
            int ratePerMinute,
            int requestsThisMinute,
            long dailyTokens,
            long tokensToday,
            long secondsToNextMinute,
            long secondsToNextDay) {}

    static final String PREFIX = "rl_";
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    AgroalDataSource dataSource;

    public Created create(String tenant, String name, int ratePerMinute, long dailyTokens) {
        byte[] secret = new byte[24];
        RANDOM.nextBytes(secret);
        String id = HexFormat.of().formatHex(randomBytes(6));
        String key = PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO api_keys (id, tenant, name, key_hash,"
                        + " rate_per_minute, daily_tokens) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, tenant);
            ps.setString(3, name);
            ps.setString(4, hash(key));
            ps.setInt(5, ratePerMinute);
            ps.setLong(6, dailyTokens);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw unavailable(e);
        }
        return new Created(key, find(id).orElseThrow());
    }

    public List<KeyInfo> list(String tenant) {
        return query(tenant == null ? "" : " WHERE k.tenant = ?", tenant);
    }

    public Optional<KeyInfo> find(String id) {
        List<KeyInfo> one = query(" WHERE k.id = ?", id);
        return one.isEmpty() ? Optional.empty() : Optional.of(one.get(0));
    }

    /** Revokes a key; false if there is no such key. */
    public boolean revoke(String id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = ?")) {
            ps.setString(1, id);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** Authenticates {@code key} and counts this request; empty when no key has that value. */
    Optional<Check> check(String key) {
        String sql = "UPDATE api_keys k SET"
                + " window_requests = CASE WHEN k.window_start = date_trunc('minute', now())"
                + " THEN k.window_requests + 1 ELSE 1 END,"
                + " window_start = date_trunc('minute', now())"
                + " WHERE k.key_hash = ?"
                + " RETURNING k.id, k.tenant, k.revoked_at IS NOT NULL, k.rate_per_minute, k.window_requests,"
                + " k.daily_tokens, coalesce((SELECT u.tokens FROM api_key_usage u WHERE u.key_id = k.id"
                + " AND u.day = (now() AT TIME ZONE 'UTC')::date), 0),"
                + " ceil(extract(epoch FROM date_trunc('minute', now()) + interval '1 minute' - now()))::bigint,"
                + " ceil(extract(epoch FROM date_trunc('day', now() AT TIME ZONE 'UTC') + interval '1 day'"
                + " - (now() AT TIME ZONE 'UTC')))::bigint";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, hash(key));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Check(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getBoolean(3),
                        rs.getInt(4),
                        rs.getInt(5),
                        rs.getLong(6),
                        rs.getLong(7),
                        Math.max(1, rs.getLong(8)),
                        Math.max(1, rs.getLong(9))));
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** Adds the tokens an answer spent to the key's count for today (UTC). */
    public void spend(String keyId, long tokens) {
        if (keyId == null || tokens <= 0) {
            return;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO api_key_usage (key_id, day, tokens)"
                        + " VALUES (?, (now() AT TIME ZONE 'UTC')::date, ?)"
                        + " ON CONFLICT (key_id, day) DO UPDATE SET tokens = api_key_usage.tokens + excluded.tokens")) {
            ps.setString(1, keyId);
            ps.setLong(2, tokens);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private List<KeyInfo> query(String where, String param) {
        String sql = "SELECT k.id, k.tenant, k.name, k.rate_per_minute, k.daily_tokens,"
                + " coalesce(u.tokens, 0), k.created_at, k.revoked_at FROM api_keys k"
                + " LEFT JOIN api_key_usage u ON u.key_id = k.id AND u.day = (now() AT TIME ZONE 'UTC')::date"
                + where + " ORDER BY k.created_at";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            if (!where.isEmpty()) {
                ps.setString(1, param);
            }
            List<KeyInfo> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new KeyInfo(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getInt(4),
                            rs.getLong(5),
                            rs.getLong(6),
                            rs.getTimestamp(7).toInstant(),
                            rs.getTimestamp(8) == null
                                    ? null
                                    : rs.getTimestamp(8).toInstant()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    static String hash(String key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static ProblemException unavailable(SQLException e) {
        return new ProblemException(503, "the key store is unavailable: " + e.getMessage(), 5);
    }
}
