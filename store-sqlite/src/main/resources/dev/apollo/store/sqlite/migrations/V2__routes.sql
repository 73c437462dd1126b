-- Web path rules: /a-path => service, per environment.
CREATE TABLE routes (
    env        TEXT NOT NULL REFERENCES environments (name) ON DELETE CASCADE,
    path       TEXT NOT NULL,
    service    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (env, path)
) STRICT;
