package io.ragline.agents.review;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** The {@code reviews} table: one row per reviewed head commit, claimed before the work and finished after it. */
@ApplicationScoped
public class ReviewStore {

    @Inject
    AgroalDataSource dataSource;

    /**
     * Claims a head commit for review: empty when it is new or still pending (a retry, or a worker that died), else
     * the final status it already has ({@code posted}, {@code superseded}, {@code failed}).
     */
    public Optional<String> claim(String repository, int number, String headSha, String tenant, String requestEventId) {
        String sql = "WITH ins AS (INSERT INTO reviews (repository, pull_number, head_sha, tenant, request_event_id,"
                + " status) VALUES (?, ?, ?, ?, ?, 'pending')"
                + " ON CONFLICT (repository, pull_number, head_sha) DO UPDATE SET attempts = reviews.attempts + 1"
                + " WHERE reviews.status = 'pending' RETURNING status)"
                + " SELECT (SELECT status FROM ins), (SELECT status FROM reviews WHERE repository = ? AND"
                + " pull_number = ? AND head_sha = ?)";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, repository);
            ps.setInt(2, number);
            ps.setString(3, headSha);
            ps.setString(4, tenant);
            ps.setString(5, requestEventId);
            ps.setString(6, repository);
            ps.setInt(7, number);
            ps.setString(8, headSha);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1) != null ? Optional.empty() : Optional.ofNullable(rs.getString(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the review store is unavailable: " + e.getMessage(), e);
        }
    }

    public void finish(
            String repository, int number, String headSha, String status, String url, Integer findings, String reason) {
        String sql = "UPDATE reviews SET status = ?, review_url = ?, findings = ?, reason = ?, finished_at = now()"
                + " WHERE repository = ? AND pull_number = ? AND head_sha = ?";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, status);
            ps.setString(2, url);
            if (findings == null) {
                ps.setNull(3, java.sql.Types.INTEGER);
            } else {
                ps.setInt(3, findings);
            }
            ps.setString(4, reason);
            ps.setString(5, repository);
            ps.setInt(6, number);
            ps.setString(7, headSha);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the review store is unavailable: " + e.getMessage(), e);
        }
    }
}
