package io.ragline.contracts;

import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka value deserializer for one event type, through {@link EventJson}. Subclass it with the type, for example
 * {@code class DocumentSubmittedDeserializer extends EventDeserializer<DocumentSubmitted>}; invalid records throw
 * {@link InvalidEventException} so the connector's failure strategy can dead-letter them.
 */
public abstract class EventDeserializer<T> implements Deserializer<T> {

    private final Class<T> type;

    protected EventDeserializer(Class<T> type) {
        this.type = type;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return data == null ? null : EventJson.fromBytes(data, type);
    }
}
