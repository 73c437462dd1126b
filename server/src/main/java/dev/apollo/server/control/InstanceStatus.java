package dev.apollo.server.control;

import dev.apollo.core.model.Address;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.InstanceId;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.model.Version;
import java.time.Instant;
import java.util.Optional;

/**
 * An instance as the API shows it.
 *
 * @param state starting, healthy, not_ready (alive, but its readiness probe fails: no traffic), unhealthy, draining,
 *     stopping or exited
 * @param exit how it ended, for exited instances
 */
public record InstanceStatus(
        InstanceId id,
        ReleaseId release,
        EnvironmentName environment,
        ServiceName service,
        Version version,
        Optional<Address> address,
        String state,
        Instant startedAt,
        Optional<String> exit) {

    public boolean exited() {
        return exit.isPresent();
    }
}
