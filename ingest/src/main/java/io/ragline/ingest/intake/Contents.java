package io.ragline.ingest.intake;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * The claim-check store: bodies too large for a Kafka record (and every uploaded file) are written to
 * {@code document_contents} before the event that references them is published; the indexer reads them, the
 * {@code ClaimCheckSweeper} deletes those no event can reference any more.
 */
@ApplicationScoped
public class Contents {

    @Inject
    Jdbi jdbi;

    /** Stores the bytes and returns the reference to put in the event. */
    public String store(String tenant, String mediaType, String fileName, byte[] bytes) {
        String id = UUID.randomUUID().toString();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO document_contents (id, tenant, media_type, file_name, bytes)"
                        + " VALUES (:id, :tenant, :mediaType, :fileName, :bytes)")
                .bind("id", id)
                .bind("tenant", tenant)
                .bind("mediaType", mediaType)
                .bind("fileName", fileName)
                .bind("bytes", bytes)
                .execute());
        return id;
    }
}
