package io.ragline.gateway.webhook;

import io.agroal.api.AgroalDataSource;
import io.ragline.gateway.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Deduplication of webhook deliveries by {@code X-GitHub-Delivery}, in PostgreSQL (shared by every gateway). */
@ApplicationScoped
public class Deliveries {

    /** A pending delivery older than this is taken over by a redelivery (its first taker died before publishing). */
    static final int TAKEOVER_SECONDS = 60;

    @Inject
    AgroalDataSource dataSource;

    /**
     * Takes a delivery for this request: true when it is new (or was left pending by a taker that died), false when
     * another request already published it or is publishing it now.
     */
    public boolean take(String deliveryId, String event) {
        String sql = "INSERT INTO webhook_deliveries (delivery_id, event, status) VALUES (?, ?, 'pending')"
                + " ON CONFLICT (delivery_id) DO UPDATE SET attempts = webhook_deliveries.attempts + 1,"
                + " received_at = now()"
                + " WHERE webhook_deliveries.status = 'pending'"
                + " AND webhook_deliveries.received_at < now() - make_interval(secs => " + TAKEOVER_SECONDS + ")"
                + " RETURNING delivery_id";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, deliveryId);
            ps.setString(2, event);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** The delivery's outcome is final: {@code published} or {@code ignored}. */
    public void finish(String deliveryId, String status) {
        update(
                "UPDATE webhook_deliveries SET status = ?, published_at = now() WHERE delivery_id = ?",
                status,
                deliveryId);
    }

    /** Publishing failed: forget the delivery, so GitHub's redelivery is taken at once. */
    public void release(String deliveryId) {
        update("DELETE FROM webhook_deliveries WHERE delivery_id = ? AND status = ?", deliveryId, "pending");
    }

    private void update(String sql, String a, String b) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, a);
            ps.setString(2, b);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private static ProblemException unavailable(SQLException e) {
        return new ProblemException(503, "the delivery log is unavailable: " + e.getMessage(), 5);
    }
}
