package dev.apollo.server.control;

import dev.apollo.core.deploy.Backoff;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ReleaseState;
import dev.apollo.core.model.ServiceName;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the controller last saw, as one immutable value the API reads without locking.
 *
 * @param lastFailures per release, the newest failure of one of its instances
 */
public record Snapshot(
        List<Release> active,
        List<InstanceStatus> instances,
        Map<ReleaseId, Backoff> backoffs,
        Map<ReleaseId, String> lastFailures) {

    public static final Snapshot EMPTY = new Snapshot(List.of(), List.of(), Map.of(), Map.of());

    public List<Release> activeOf(EnvironmentName environment, ServiceName service) {
        return active.stream().filter(r -> r.environment().equals(environment) && r.service().equals(service)).toList();
    }

    public Optional<Release> find(EnvironmentName environment, ServiceName service, ReleaseState state) {
        return activeOf(environment, service).stream().filter(r -> r.state() == state).findFirst();
    }

    public List<InstanceStatus> instancesOf(ReleaseId release) {
        return instances.stream().filter(i -> i.release().equals(release)).toList();
    }

    public long running() {
        return instances.stream().filter(i -> !i.state().equals("exited")).count();
    }
}
