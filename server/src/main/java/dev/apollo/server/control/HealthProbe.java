package dev.apollo.server.control;

import dev.apollo.core.model.Address;
import dev.apollo.core.model.HealthCheck;
import java.util.concurrent.CompletableFuture;

/** Asks an instance whether it is healthy. */
public interface HealthProbe extends AutoCloseable {

    /** A probe's answer; {@code detail} says why it failed, for status and deploy errors. */
    record Result(boolean healthy, String detail) {}

    CompletableFuture<Result> probe(Address address, HealthCheck check);

    /** Releases what the probe holds (its HTTP client); nothing by default. */
    @Override
    default void close() {}
}
