package io.ragline.contracts.outbox;

import io.ragline.contracts.EventJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * A transactional outbox in a table of its owning service: an event written in the same statement as the rows it describes, and
 * deleted once the broker acknowledged it. A writer inserts the row itself, in its own statement ({@link
 * Entry#COLUMNS}); the publisher calls {@link #published} on the acknowledgement; {@link #redrive} publishes what was
 * left behind (a broker that refused or was away, a process gone between its commit and the acknowledgement), each row
 * claimed by one instance at a time for a lease. An event published whose deletion was lost is published again:
 * consumers ignore an event id they have applied.
 */
public final class EventOutbox {

    /** One event waiting for the broker: its topic, key and the JSON its topic carries. */
    public record Entry(String eventId, String topic, String partitionKey, String payload) {

        /** The columns a writer inserts, in this order. */
        public static final String COLUMNS = "event_id, topic, partition_key, payload";

        public static Entry of(String eventId, String topic, String partitionKey, Object event) {
            return new Entry(eventId, topic, partitionKey, EventJson.toJson(event));
        }

        public <T> T event(Class<T> type) {
            return EventJson.fromJson(payload, type);
        }
    }

    /** Publishes one event and returns once the broker acknowledged it; throws if it did not. */
    @FunctionalInterface
    public interface Sender {
        void send(Entry entry) throws Exception;
    }

    /** What one {@link #redrive} did: events the broker acknowledged, and why it stopped early (null if it did not). */
    public record Redriven(int published, String failure) {}

    private final DataSource dataSource;
    private final String table;

    /**
     * The outbox in {@code table}, a table of the calling service (each service that publishes through an outbox owns
     * one, with the columns of {@link Entry#COLUMNS} and those this class updates).
     */
    public EventOutbox(DataSource dataSource, String table) {
        if (!table.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a table name: " + table);
        }
        this.dataSource = dataSource;
        this.table = table;
    }

    /** The outbox's table, for a statement that writes an entry together with the rows it describes. */
    public String table() {
        return table;
    }

    /** The broker acknowledged the event: it leaves the outbox. */
    public void published(String eventId) throws SQLException {
        update("DELETE FROM " + table + " WHERE event_id = ?", eventId);
    }

    /** Publishing failed: the row stays for a later claim, with the reason (for an operator reading the table). */
    public void failed(String eventId, String reason) throws SQLException {
        String why = reason == null ? "unknown" : reason.substring(0, Math.min(reason.length(), 1000));
        update("UPDATE " + table + " SET last_error = ? WHERE event_id = ?", why, eventId);
    }

    /**
     * Up to {@code limit} events of {@code topic} written more than {@code olderThan} ago and not claimed by another
     * instance now, oldest first, claimed for {@code lease}: until it ends no other claim returns them. One statement,
     * so no transaction stays open while they are published.
     */
    private List<Entry> claim(String topic, Duration olderThan, Duration lease, int limit) throws SQLException {
        String sql = "UPDATE " + table + " o SET claimed_until = now() + make_interval(secs => ?),"
                + " attempts = o.attempts + 1"
                + " WHERE o.event_id IN (SELECT event_id FROM " + table + " WHERE topic = ?"
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

    /**
     * Claims the events of {@code topic} left behind for longer than {@code olderThan} (see {@link #claim}) and
     * publishes them with {@code sender}, deleting each the broker acknowledged. Stops at the first failure, which it
     * records on the row: the broker is likely still away, and the rest of the batch would fail alike; their lease
     * ends and a later call tries them again.
     */
    public Redriven redrive(String topic, Duration olderThan, Duration lease, int limit, Sender sender)
            throws SQLException {
        int published = 0;
        for (Entry entry : claim(topic, olderThan, lease, limit)) {
            try {
                sender.send(entry);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                failed(entry.eventId(), reason);
                return new Redriven(published, reason);
            }
            published(entry.eventId());
            published++;
        }
        return new Redriven(published, null);
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
}
