-- GitHub webhook deliveries seen by the gateway, for deduplication by X-GitHub-Delivery across every gateway instance.
-- A delivery is 'pending' from the moment one instance takes it until its event is on Kafka ('published'); a
-- redelivery of a delivery left pending (its instance died before publishing) is taken over after a grace period.
CREATE TABLE webhook_deliveries (
    delivery_id  text        PRIMARY KEY,
    event        text        NOT NULL,
    status       text        NOT NULL,
    attempts     integer     NOT NULL DEFAULT 1,
    received_at  timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);
