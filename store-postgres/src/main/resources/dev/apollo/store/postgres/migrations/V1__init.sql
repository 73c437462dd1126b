-- The schema of the SQLite store's six migrations, in PostgreSQL's types. Times stay ISO-8601 text
-- (Instant.toString): timestamptz keeps microseconds, and a value read back must equal the one
-- written, to the nanosecond. Names are COLLATE "C" so that lists sort by code point, as on SQLite,
-- whatever the database's locale.

CREATE TABLE environments (
    name       text COLLATE "C" PRIMARY KEY,
    fallback   text COLLATE "C" REFERENCES environments (name),
    created_at text NOT NULL
);

-- One row holding the last release id handed out, bumped in its own committed transaction.
CREATE TABLE release_sequence (
    only_row integer PRIMARY KEY CHECK (only_row = 1),
    last_id  bigint  NOT NULL
);
INSERT INTO release_sequence (only_row, last_id) VALUES (1, 0);

CREATE TABLE releases (
    id                       bigint  PRIMARY KEY,
    env                      text COLLATE "C" NOT NULL REFERENCES environments (name) ON DELETE CASCADE,
    service                  text COLLATE "C" NOT NULL,
    artifact                 text    NOT NULL,
    instances                integer NOT NULL,
    health_readiness         jsonb   NOT NULL,
    health_liveness          jsonb   NOT NULL,
    health_grace_ms          bigint  NOT NULL,
    health_interval_ms       bigint  NOT NULL,
    health_timeout_ms        bigint  NOT NULL,
    health_failure_threshold integer NOT NULL,
    memory_mb                integer NOT NULL,
    state                    text    NOT NULL,
    created_at               text    NOT NULL,
    deadline                 text    NOT NULL,
    updated_at               text    NOT NULL,
    reason                   text    NOT NULL,
    settings                 jsonb   NOT NULL
);
CREATE INDEX releases_by_service ON releases (env, service, id);
CREATE INDEX releases_by_state ON releases (state, id);

-- Event ids come from this row, not from a sequence: taken under the row's lock in the appending
-- transaction, they have no gaps and become visible in id order, so a reader that resumes after the
-- last id it saw never skips an event committed late under a smaller id.
CREATE TABLE event_sequence (
    only_row integer PRIMARY KEY CHECK (only_row = 1),
    last_id  bigint  NOT NULL
);
INSERT INTO event_sequence (only_row, last_id) VALUES (1, 0);

-- No foreign keys: the log outlives the environments and releases it mentions.
CREATE TABLE events (
    id         bigint  PRIMARY KEY,
    at         text    NOT NULL,
    type       text    NOT NULL,
    env        text    NOT NULL,
    service    text,
    release_id bigint,
    message    text    NOT NULL,
    started    integer NOT NULL,
    healthy    integer NOT NULL,
    target     integer NOT NULL,
    instance   text
);
CREATE INDEX events_by_release ON events (release_id, id);

CREATE TABLE routes (
    env        text COLLATE "C" NOT NULL REFERENCES environments (name) ON DELETE CASCADE,
    path       text COLLATE "C" NOT NULL,
    service    text NOT NULL,
    created_at text NOT NULL,
    PRIMARY KEY (env, path)
);

CREATE TABLE externals (
    env        text COLLATE "C" NOT NULL REFERENCES environments (name) ON DELETE CASCADE,
    name       text COLLATE "C" NOT NULL,
    url        text NOT NULL,
    created_at text NOT NULL,
    PRIMARY KEY (env, name)
);

CREATE TABLE configuration (
    env     text COLLATE "C" NOT NULL REFERENCES environments (name) ON DELETE CASCADE,
    service text COLLATE "C" NOT NULL,
    name    text COLLATE "C" NOT NULL,
    value   text NOT NULL,
    PRIMARY KEY (env, service, name)
);

CREATE TABLE secrets (
    env     text COLLATE "C" NOT NULL REFERENCES environments (name) ON DELETE CASCADE,
    service text COLLATE "C" NOT NULL,
    name    text COLLATE "C" NOT NULL,
    version integer NOT NULL,
    sealed  bytea   NOT NULL,
    set_at  text    NOT NULL,
    removed boolean NOT NULL DEFAULT false,
    PRIMARY KEY (env, service, name, version)
);
