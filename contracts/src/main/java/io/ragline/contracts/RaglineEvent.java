package io.ragline.contracts;

import java.time.Instant;

/**
 * What every event on ragline's Kafka topics carries, whatever its payload.
 *
 * <p>{@code eventId} is stable across redeliveries and is what consumers deduplicate on; {@code schemaVersion} lets a
 * consumer tell an older producer from a newer one; {@code tenant} scopes every read and write the event causes.
 */
public interface RaglineEvent {

    /** Version of the event's schema; bumped only on an incompatible change (new optional fields keep it). */
    int schemaVersion();

    /** Unique id of this event, used for idempotency. */
    String eventId();

    /** Tenant the event belongs to. */
    String tenant();

    /** When the producer created the event. */
    Instant occurredAt();
}
