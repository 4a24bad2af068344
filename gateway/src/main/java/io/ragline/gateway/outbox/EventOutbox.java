package io.ragline.gateway.outbox;

import io.agroal.api.AgroalDataSource;
import io.ragline.contracts.EventJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code event_outbox} table (V18): events written in the same statement as the rows they describe, deleted once
 * the broker acknowledged them. The writer adds the row (see {@link Entry#columns()}); {@link #published} removes it;
 * {@link #claim} hands rows left behind to one instance at a time for a lease, so any instance can publish them again.
 */
@ApplicationScoped
public class EventOutbox {

    /** One event waiting for the broker: its topic, key and the JSON its topic carries. */
    public record Entry(String eventId, String topic, String partitionKey, String payload) {

        public static Entry of(String eventId, String topic, String partitionKey, Object event) {
            return new Entry(eventId, topic, partitionKey, EventJson.toJson(event));
        }

        /** The columns a writer inserts, in this order: event_id, topic, partition_key, payload. */
        public static String columns() {
            return "event_id, topic, partition_key, payload";
        }
    }

    @Inject
    AgroalDataSource dataSource;

    /** The broker acknowledged the event: it leaves the outbox. */
    public void published(String eventId) throws SQLException {
        update("DELETE FROM event_outbox WHERE event_id = ?", eventId);
    }

    /** Publishing failed: the row stays for the next claim, with the reason (shown to an operator reading the table). */
    public void failed(String eventId, String reason) throws SQLException {
        String why = reason == null ? "unknown" : reason.substring(0, Math.min(reason.length(), 1000));
        update("UPDATE event_outbox SET last_error = ? WHERE event_id = ?", why, eventId);
    }

    private void update(String sql, String... values) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setString(i + 1, values[i]);
            }
            ps.executeUpdate();
        }
    }

    /**
     * Up to {@code limit} events of {@code topic} written more than {@code olderThan} ago and not claimed by anyone
     * else now, oldest first, claimed for {@code lease}: until it ends no other claim returns them. One statement, so
     * no transaction stays open while they are published.
     */
    public List<Entry> claim(String topic, Duration olderThan, Duration lease, int limit) throws SQLException {
        String sql = "UPDATE event_outbox o SET claimed_until = now() + make_interval(secs => ?),"
                + " attempts = o.attempts + 1"
                + " WHERE o.event_id IN (SELECT event_id FROM event_outbox WHERE topic = ?"
                + " AND created_at < now() - make_interval(secs => ?)"
                + " AND (claimed_until IS NULL OR claimed_until < now())"
                + " ORDER BY created_at LIMIT ? FOR UPDATE SKIP LOCKED)"
                + " RETURNING o.event_id, o.topic, o.partition_key, o.payload";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setDouble(1, lease.toMillis() / 1000.0);
            ps.setString(2, topic);
            ps.setDouble(3, olderThan.toMillis() / 1000.0);
            ps.setInt(4, limit);
            List<Entry> claimed = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    claimed.add(new Entry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
            return claimed;
        }
    }
}
