package dev.apollo.core.deploy;

import dev.apollo.core.health.Health;
import dev.apollo.core.model.InstanceId;
import dev.apollo.core.model.ReleaseId;
import java.time.Instant;

/** A running instance the platform has not asked to stop, as the reconciler sees it. */
public record Member(InstanceId id, ReleaseId release, Health health, Instant startedAt, String lastFailure) {}
