-- Times are ISO-8601 text (Instant.toString) so a value read back equals the one written,
-- to the nanosecond; health durations are whole milliseconds.
-- STRICT makes SQLite refuse a value of the wrong type instead of storing it anyway.

CREATE TABLE environments (
    name       TEXT PRIMARY KEY,
    fallback   TEXT REFERENCES environments (name),
    created_at TEXT NOT NULL
) STRICT;

-- One row holding the last release id handed out. It is bumped in its own committed
-- transaction, so an id survives a crash even when the release it was meant for never does.
CREATE TABLE release_sequence (
    only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
    last_id  INTEGER NOT NULL
) STRICT;

INSERT INTO release_sequence (only_row, last_id) VALUES (1, 0);

-- Deleting an environment takes the history of its (by then inactive) releases with it.
CREATE TABLE releases (
    id                       INTEGER PRIMARY KEY,
    env                      TEXT    NOT NULL REFERENCES environments (name) ON DELETE CASCADE,
    service                  TEXT    NOT NULL,
    artifact                 TEXT    NOT NULL,
    instances                INTEGER NOT NULL,
    health_path              TEXT    NOT NULL,
    health_grace_ms          INTEGER NOT NULL,
    health_interval_ms       INTEGER NOT NULL,
    health_timeout_ms        INTEGER NOT NULL,
    health_failure_threshold INTEGER NOT NULL,
    memory_mb                INTEGER NOT NULL,
    state                    TEXT    NOT NULL,
    created_at               TEXT    NOT NULL,
    deadline                 TEXT    NOT NULL,
    updated_at               TEXT    NOT NULL,
    reason                   TEXT    NOT NULL
) STRICT;

CREATE INDEX releases_by_service ON releases (env, service, id);
CREATE INDEX releases_by_state ON releases (state, id);

-- AUTOINCREMENT: an id is never reused, whatever gets pruned, because clients resume the
-- event stream after the last id they saw. No foreign keys: the log
-- outlives the environments and releases it mentions.
CREATE TABLE events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT    NOT NULL,
    type       TEXT    NOT NULL,
    env        TEXT    NOT NULL,
    service    TEXT,
    release_id INTEGER,
    message    TEXT    NOT NULL,
    started    INTEGER NOT NULL,
    healthy    INTEGER NOT NULL,
    target     INTEGER NOT NULL
) STRICT;
