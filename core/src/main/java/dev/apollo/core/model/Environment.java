package dev.apollo.core.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** An environment; {@code fallback} is where calls for services it lacks resolve. */
public record Environment(EnvironmentName name, Optional<EnvironmentName> fallback, Instant createdAt) {
    public Environment {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fallback, "fallback");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
