-- The control planes' lease: one row. Whoever holds an unexpired lease leads; taking it over bumps the
-- epoch, and every write of a leader checks, in its own transaction and under a share lock on this
-- row, that the epoch is still its own and unexpired (the fencing token). Times are the database's
-- clock (clock_timestamp()), so the control planes' clocks need not agree.
CREATE TABLE leadership (
    only_row   integer PRIMARY KEY CHECK (only_row = 1),
    epoch      bigint      NOT NULL,
    holder     text        NOT NULL,
    address    text        NOT NULL,
    acquired_at timestamptz NOT NULL,
    renewed_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
-- Epoch 0: nobody has led yet; the lease ran out long ago, so the first candidate takes it.
INSERT INTO leadership VALUES (1, 0, '', '', 'epoch', 'epoch', 'epoch');

-- Every control plane's last contact, leader or standby, for `apollo status`.
CREATE TABLE control_planes (
    id         text PRIMARY KEY,
    address    text        NOT NULL,
    started_at timestamptz NOT NULL,
    seen_at    timestamptz NOT NULL
);
