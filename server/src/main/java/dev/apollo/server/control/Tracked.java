package dev.apollo.server.control;

import dev.apollo.core.health.Health;
import dev.apollo.core.health.HealthState;
import dev.apollo.core.model.Release;
import dev.apollo.core.port.ObservedInstance;
import java.time.Instant;
import java.util.Optional;

/** The controller's own bookkeeping for one instance. Touched only on the controller thread. */
final class Tracked {
    final Release release;
    ObservedInstance observed;
    HealthState health = HealthState.starting();
    Instant nextProbe = Instant.EPOCH;
    boolean probing;
    /** Stopped because it failed its health check: its exit is a failure, not a requested stop. */
    boolean stoppedAsUnhealthy;
    /** Its exit has been noted (event written, back-off counted). */
    boolean exitNoted;
    /** When it was taken out of the route table before being stopped; null while it may serve. */
    Instant drainingSince;

    Tracked(Release release, ObservedInstance observed) {
        this.release = release;
        this.observed = observed;
    }

    boolean running() {
        return observed.running();
    }

    boolean serving() {
        return running() && !observed.stopRequested() && drainingSince == null;
    }

    boolean healthy() {
        return serving() && health.health() == Health.HEALTHY;
    }

    String state() {
        if (!running()) {
            return "exited";
        }
        if (observed.stopRequested()) {
            return "stopping";
        }
        if (drainingSince != null) {
            return "draining";
        }
        return health.health().name().toLowerCase();
    }

    InstanceStatus status() {
        return new InstanceStatus(observed.id(), release.id(), release.environment(), release.service(), release.version(),
                observed.address(), state(), observed.startedAt(), observed.exit().map(ObservedInstance.Exit::reason));
    }

    Optional<String> failure() {
        return health.lastFailure().isEmpty() ? Optional.empty() : Optional.of(health.lastFailure());
    }
}
