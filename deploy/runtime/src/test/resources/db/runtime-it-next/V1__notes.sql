-- A second owner of this module's tests: its first run finds the first owner's tables in the schema.
CREATE TABLE notes (id text PRIMARY KEY, body text NOT NULL);
