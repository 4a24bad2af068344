-- Converts a database made by ragline's single migration list (schema_migrations at version 18) to per-service
-- schemas, in one transaction. Every table already has the shape of its owner's version 1, except the outbox the
-- gateway and the agents shared: each now has its own, and the rows not yet published move with their topic.
ALTER TABLE event_outbox RENAME TO gateway_outbox;
ALTER TABLE gateway_outbox RENAME CONSTRAINT event_outbox_pkey TO gateway_outbox_pkey;
ALTER INDEX event_outbox_due RENAME TO gateway_outbox_due;

CREATE TABLE agents_outbox (LIKE gateway_outbox INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE agents_outbox ADD PRIMARY KEY (event_id);
CREATE INDEX agents_outbox_due ON agents_outbox (topic, created_at);

WITH moved AS (DELETE FROM gateway_outbox WHERE topic = 'research.completed' RETURNING *)
INSERT INTO agents_outbox SELECT * FROM moved;
