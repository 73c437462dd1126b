package dev.apollo.server.http;

import dev.apollo.api.Views.ArtifactView;
import dev.apollo.api.Views.ConfigurationView;
import dev.apollo.api.Views.EnvironmentView;
import dev.apollo.api.Views.EventView;
import dev.apollo.api.Views.ExternalView;
import dev.apollo.api.Views.InstanceView;
import dev.apollo.api.Views.ReleaseView;
import dev.apollo.api.Views.RouteView;
import dev.apollo.api.Views.SecretView;
import dev.apollo.api.Views.ServiceStatus;
import dev.apollo.api.Views.SettingsView;
import dev.apollo.core.config.RunSettings;
import dev.apollo.core.config.SecretInfo;
import dev.apollo.core.deploy.Backoff;
import dev.apollo.core.model.Address;
import dev.apollo.core.model.Environment;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.Event;
import dev.apollo.core.model.External;
import dev.apollo.core.model.InstanceId;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ReleaseState;
import dev.apollo.core.model.Route;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.port.ArtifactStore.StoredArtifact;
import dev.apollo.server.control.InstanceStatus;
import dev.apollo.server.control.ServiceConfiguration;
import dev.apollo.server.control.Snapshot;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Domain values to wire records: the only place that knows both. */
final class ViewMapper {
    private ViewMapper() {}

    static ReleaseView release(Release r) {
        return release(r, null);
    }

    /** A release with what changed in its settings since {@code before}, the release it followed. */
    static ReleaseView release(Release r, List<String> changes) {
        return new ReleaseView(r.id().toString(), r.environment().value(), r.service().value(), r.artifact().coordinates(),
                r.version().value(), r.instances(), r.state().name().toLowerCase(), r.createdAt(), r.updatedAt(),
                r.deadline(), r.reasonText().orElse(null), settings(r.settings()), changes);
    }

    static SettingsView settings(RunSettings settings) {
        Map<String, String> variables = new TreeMap<>();
        settings.variables().forEach((name, value) -> variables.put(name.value(), value));
        Map<String, Integer> secrets = new TreeMap<>();
        settings.secrets().forEach((name, version) -> secrets.put(name.value(), version));
        return new SettingsView(variables, settings.arguments(), settings.jvmOptions(), secrets);
    }

    static ConfigurationView configuration(EnvironmentName environment, ServiceName service, ServiceConfiguration c) {
        Map<String, String> variables = new TreeMap<>();
        c.variables().forEach((name, value) -> variables.put(name.value(), value));
        return new ConfigurationView(environment.value(), service.value(), variables,
                c.secrets().stream().map(ViewMapper::secret).toList());
    }

    static SecretView secret(SecretInfo s) {
        return new SecretView(s.name().value(), s.version(), s.setAt());
    }

    static InstanceView instance(InstanceStatus i) {
        return new InstanceView(i.id().value(), i.release().toString(), i.version().value(),
                i.address().map(Address::toString).orElse(null), i.state(), i.startedAt(), i.exit().orElse(null));
    }

    static ArtifactView artifact(StoredArtifact a) {
        String image = "image".equals(a.location().getScheme()) ? a.location().getSchemeSpecificPart() : null;
        return new ArtifactView(a.name().value(), a.version().value(), a.kind().name().toLowerCase(Locale.ROOT), a.sha256(),
                a.size(), a.storedAt(), image);
    }

    static EnvironmentView environment(Environment e) {
        return new EnvironmentView(e.name().value(), e.fallback().map(EnvironmentName::value).orElse(null), e.createdAt());
    }

    static ExternalView external(External e) {
        return new ExternalView(e.environment().value(), e.name().value(), e.url().toString(), e.createdAt());
    }

    static RouteView route(Route r) {
        return new RouteView(r.environment().value(), r.path().value(), r.service().value(), r.createdAt());
    }

    static EventView event(Event e) {
        return new EventView(e.id(), e.at(), e.type().name(), e.environment().value(),
                e.service().map(ServiceName::value).orElse(null), e.release().map(ReleaseId::toString).orElse(null),
                e.message(), e.started(), e.healthy(), e.target(), e.instance().map(InstanceId::value).orElse(null));
    }

    /** A service's status, or empty when it has neither an active release nor a kept instance. */
    static Optional<ServiceStatus> service(Snapshot snapshot, EnvironmentName environment, ServiceName service, Instant now) {
        Optional<Release> live = snapshot.find(environment, service, ReleaseState.LIVE);
        Optional<Release> deploying = snapshot.find(environment, service, ReleaseState.DEPLOYING);
        Optional<Release> previous = snapshot.find(environment, service, ReleaseState.PREVIOUS);
        Optional<Release> testbed = snapshot.find(environment, service, ReleaseState.TESTBED);
        List<InstanceStatus> instances = snapshot.instances().stream()
                .filter(i -> i.environment().equals(environment) && i.service().equals(service))
                .sorted(Comparator.comparing(InstanceStatus::release).thenComparing(InstanceStatus::startedAt))
                .toList();
        if (live.isEmpty() && deploying.isEmpty() && testbed.isEmpty() && instances.isEmpty()) {
            return Optional.empty();
        }
        Optional<Release> current = deploying.or(() -> live);
        Backoff backoff = current.map(r -> snapshot.backoffs().get(r.id())).orElse(null);
        int restarts = live.map(r -> restarts(snapshot, r.id())).orElse(0) + deploying.map(r -> restarts(snapshot, r.id())).orElse(0);
        Instant backoffUntil = backoff != null && backoff.backingOffAt(now) ? backoff.notBefore() : null;
        String lastExit = current.map(r -> snapshot.lastFailures().get(r.id())).orElse(null);
        return Optional.of(new ServiceStatus(environment.value(), service.value(), live.map(ViewMapper::release).orElse(null),
                deploying.map(ViewMapper::release).orElse(null), instances.stream().map(ViewMapper::instance).toList(),
                restarts, backoffUntil, lastExit, previous.map(ViewMapper::release).orElse(null),
                testbed.map(ViewMapper::release).orElse(null)));
    }

    private static int restarts(Snapshot snapshot, ReleaseId release) {
        Backoff backoff = snapshot.backoffs().get(release);
        return backoff == null ? 0 : backoff.restarts();
    }
}
