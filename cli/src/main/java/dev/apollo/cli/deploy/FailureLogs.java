package dev.apollo.cli.deploy;

import dev.apollo.api.Views.InstanceView;
import dev.apollo.api.Views.LogLines;
import dev.apollo.api.Views.ReleaseView;
import dev.apollo.api.Views.ServiceStatus;
import dev.apollo.client.ApiException;
import dev.apollo.client.ApolloClient;
import dev.apollo.client.ApolloClientException;
import java.io.PrintStream;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * After a failed deploy, shows what the release's instances said last: the newest failed instance
 * when the status still lists it, otherwise every instance that belongs to no other release.
 */
final class FailureLogs {
    static final int LINES = 20;

    private FailureLogs() {}

    /** {@code alreadyShown}: the failure message, which may quote the instance's output itself. */
    static void print(ApolloClient client, ReleaseView release, String alreadyShown, PrintStream err) {
        try {
            List<LogLines> logs = fetch(client, release).stream().filter(l -> l.lines() != null && !l.lines().isEmpty()).toList();
            if (logs.isEmpty()) {
                err.println("No log lines are left for the instances of release " + release.id() + " (the control plane stopped them).");
                return;
            }
            if (logs.stream().flatMap(l -> l.lines().stream()).allMatch(alreadyShown::contains)) {
                return;
            }
            for (LogLines log : logs) {
                err.println("Last lines of " + log.instance() + ":");
                log.lines().forEach(line -> err.println("  " + line));
            }
        } catch (ApolloClientException e) {
            err.println("(The logs of release " + release.id() + " could not be fetched: " + e.getMessage() + ")");
        }
    }

    private static List<LogLines> fetch(ApolloClient client, ReleaseView release) {
        List<InstanceView> instances = status(client, release).map(ServiceStatus::instances).orElse(List.of());
        Optional<InstanceView> failed = instances.stream()
                .filter(i -> release.id().equals(i.release()))
                .filter(i -> i.exit() != null || "unhealthy".equalsIgnoreCase(i.health()) || "exited".equalsIgnoreCase(i.health()))
                .max(Comparator.comparing(InstanceView::startedAt, Comparator.nullsFirst(Comparator.naturalOrder())));
        if (failed.isPresent()) {
            return client.logs(release.environment(), release.service(), Optional.of(failed.get().id()), LINES);
        }
        Set<String> others = instances.stream()
                .filter(i -> !release.id().equals(i.release()))
                .map(InstanceView::id)
                .collect(Collectors.toSet());
        return client.logs(release.environment(), release.service(), Optional.empty(), LINES).stream()
                .filter(l -> !others.contains(l.instance()))
                .toList();
    }

    private static Optional<ServiceStatus> status(ApolloClient client, ReleaseView release) {
        try {
            return Optional.of(client.service(release.environment(), release.service()));
        } catch (ApiException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
