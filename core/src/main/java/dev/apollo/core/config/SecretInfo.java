package dev.apollo.core.config;

import java.time.Instant;
import java.util.Objects;

/** What may be known of a secret without its value: its name, its current version and when it was set. */
public record SecretInfo(VariableName name, int version, Instant setAt) {
    public SecretInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(setAt, "setAt");
    }
}
