-- The instance an event is about, so that a restarted control plane knows which instances it had
-- already announced healthy or exited, and does not announce them again.
ALTER TABLE events ADD COLUMN instance TEXT;
CREATE INDEX events_by_release ON events (release_id, id);
