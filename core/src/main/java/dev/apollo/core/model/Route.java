package dev.apollo.core.model;

import java.time.Instant;
import java.util.Objects;

/** A web path rule in one environment: {@code /a-path => service}. */
public record Route(EnvironmentName environment, RoutePath path, ServiceName service, Instant createdAt) {
    public Route {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
