package dev.apollo.core.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that happened, in the order it happened. Events are the progress a deploy shows and
 * the server's event stream; {@code id} grows by one per event, so a client resumes after the
 * last id it saw.
 *
 * @param instance the instance it is about, for events about one instance
 * @param started instances of the release that are running (or -1 when not about a release)
 * @param healthy instances of the release that passed their health check (or -1)
 * @param target instances the release should run (or -1)
 */
public record Event(
        long id,
        Instant at,
        EventType type,
        EnvironmentName environment,
        Optional<ServiceName> service,
        Optional<ReleaseId> release,
        Optional<InstanceId> instance,
        String message,
        int started,
        int healthy,
        int target) {

    public Event {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(instance, "instance");
        message = message == null ? "" : message;
    }

    /** An event about to be appended; the store assigns its id. */
    public static Event of(Instant at, EventType type, Release release, String message, int started, int healthy) {
        return new Event(0, at, type, release.environment(), Optional.of(release.service()), Optional.of(release.id()),
                Optional.empty(), message, started, healthy, release.instances());
    }

    /** An event about one instance of a release, about to be appended. */
    public static Event ofInstance(Instant at, EventType type, Release release, InstanceId instance, String message,
            int started, int healthy) {
        return new Event(0, at, type, release.environment(), Optional.of(release.service()), Optional.of(release.id()),
                Optional.of(instance), message, started, healthy, release.instances());
    }

    /** An event about an environment, or a service in it, rather than a release. */
    public static Event about(Instant at, EventType type, EnvironmentName environment, Optional<ServiceName> service,
            String message) {
        return new Event(0, at, type, environment, service, Optional.empty(), Optional.empty(), message, -1, -1, -1);
    }

    public Event withId(long newId) {
        return new Event(newId, at, type, environment, service, release, instance, message, started, healthy, target);
    }
}
