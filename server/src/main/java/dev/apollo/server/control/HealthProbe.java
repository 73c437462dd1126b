package dev.apollo.server.control;

import dev.apollo.core.health.ProbeResult;
import dev.apollo.core.model.Address;
import dev.apollo.core.model.Probe;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Sends one probe (an HTTP request, a TCP connect, a command) about an instance and tells whether it passed. */
public interface HealthProbe extends AutoCloseable {

    /** Never completes exceptionally: a probe that could not be sent has failed, and its detail says why. */
    CompletableFuture<ProbeResult> probe(Address address, Probe probe, Duration timeout);

    /** Releases what the probe holds (its HTTP client, its threads); nothing by default. */
    @Override
    default void close() {}
}
