package io.ragline.contracts;

import org.apache.kafka.common.serialization.Serializer;

/** Kafka value serializer for any ragline event, through {@link EventJson}. */
public class EventSerializer<T> implements Serializer<T> {

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : EventJson.toBytes(data);
    }
}
