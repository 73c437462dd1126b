-- What each release runs with besides its artifact (variables, arguments, JVM options, secret
-- versions), as JSON; a service's configuration per environment; secrets, sealed, every version kept.
ALTER TABLE releases ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';

CREATE TABLE configuration (
    env     TEXT NOT NULL REFERENCES environments (name) ON DELETE CASCADE,
    service TEXT NOT NULL,
    name    TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (env, service, name)
) STRICT;

CREATE TABLE secrets (
    env     TEXT NOT NULL REFERENCES environments (name) ON DELETE CASCADE,
    service TEXT NOT NULL,
    name    TEXT NOT NULL,
    version INTEGER NOT NULL,
    sealed  BLOB NOT NULL,
    set_at  TEXT NOT NULL,
    removed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (env, service, name, version)
) STRICT;
