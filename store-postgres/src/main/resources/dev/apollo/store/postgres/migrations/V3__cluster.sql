-- What the control planes sharing this database have in common besides desired state (one row):
--   id: the cluster's identity, made once here; the Swarm scheduler's namespace derives from it, so every
--       control plane on this database labels and adopts the same services.
--   instances_machine, instances_home: where the local scheduler of the last leader keeps its instances
--       (the machine as hostname/boot id, and its state directory there). A new leader on that machine
--       opens the same directory and adopts the live processes; one on another machine cannot reach them.
CREATE TABLE cluster (
    only_row          integer PRIMARY KEY CHECK (only_row = 1),
    id                text NOT NULL,
    instances_machine text NOT NULL,
    instances_home    text NOT NULL,
    instances_epoch   bigint NOT NULL
);
INSERT INTO cluster VALUES (1, replace(gen_random_uuid()::text, '-', ''), '', '', 0);
