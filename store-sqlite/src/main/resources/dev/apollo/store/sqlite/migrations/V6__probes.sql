-- Readiness and liveness probes, each as JSON ({"type":"http","path":"/ready"}, {"type":"tcp"},
-- {"type":"command","argv":[...]}). A release from before had one health check, GET health_path,
-- for both; it keeps exactly that.
ALTER TABLE releases ADD COLUMN health_readiness TEXT NOT NULL DEFAULT '';
ALTER TABLE releases ADD COLUMN health_liveness TEXT NOT NULL DEFAULT '';

UPDATE releases SET
    health_readiness = json_object('type', 'http', 'path', health_path),
    health_liveness  = json_object('type', 'http', 'path', health_path);

ALTER TABLE releases DROP COLUMN health_path;
