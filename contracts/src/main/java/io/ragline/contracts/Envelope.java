package io.ragline.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Checks and defaults shared by the event records' compact constructors. */
public final class Envelope {

    private Envelope() {}

    /** A fresh event id. */
    public static String newEventId() {
        return UUID.randomUUID().toString();
    }

    /** Returns {@code value} or throws naming the missing field. */
    public static <T> T require(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }

    /** Returns a non-blank {@code value} or throws naming the field. */
    public static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required and must not be blank");
        }
        return value;
    }

    /** Validates the common envelope fields of an event. */
    public static void check(int schemaVersion, String eventId, String tenant, Instant occurredAt) {
        if (schemaVersion < 1) {
            throw new IllegalArgumentException("schemaVersion must be >= 1, was " + schemaVersion);
        }
        requireText(eventId, "eventId");
        requireText(tenant, "tenant");
        require(occurredAt, "occurredAt");
    }

    /** An immutable copy, an empty list for null. */
    public static <T> List<T> list(List<T> values) {
        return values == null ? List.of() : List.copyOf(values);
    }

    /** An immutable copy, an empty map for null. */
    public static <K, V> Map<K, V> map(Map<K, V> values) {
        return values == null ? Map.of() : Map.copyOf(values);
    }
}
