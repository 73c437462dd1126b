-- 3rd-party services, reached through the RPC gateway, with a URL per environment.
CREATE TABLE externals (
    env        TEXT NOT NULL REFERENCES environments (name) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    url        TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (env, name)
) STRICT;
