package dev.apollo.server.control;

import dev.apollo.api.RouteTableView;
import dev.apollo.api.RouteTableView.Backend;
import dev.apollo.api.RouteTableView.EnvironmentRoutes;
import dev.apollo.api.RouteTableView.PathRule;
import dev.apollo.api.RouteTableView.ServiceRoute;
import dev.apollo.api.RouteTableView.Testbed;
import dev.apollo.core.model.Environment;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.External;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ReleaseState;
import dev.apollo.core.model.Route;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Builds the route table gateways serve from the desired state and the routable instances. Pure
 * and deterministic: the same inputs give an equal table, so the controller publishes a new
 * version only when something a gateway would see has changed.
 */
final class RouteTables {
    private RouteTables() {}

    /** An instance traffic may go to: healthy, not draining, of a live or testbed release. */
    record Routable(ReleaseId release, String instance, String address) {}

    static List<EnvironmentRoutes> build(List<Environment> environments, List<Route> routes, List<External> externals,
            List<Release> active, List<Routable> instances) {
        Map<ReleaseId, List<Backend>> backends = instances.stream()
                .sorted(Comparator.comparing(Routable::instance))
                .collect(Collectors.groupingBy(Routable::release,
                        Collectors.mapping(r -> new Backend(r.instance(), r.address()), Collectors.toList())));
        return environments.stream()
                .sorted(Comparator.comparing(Environment::name))
                .map(environment -> environment(environment, routes, externals, active, backends))
                .toList();
    }

    static RouteTableView table(long version, Instant at, List<EnvironmentRoutes> environments) {
        return new RouteTableView(version, at, environments);
    }

    private static EnvironmentRoutes environment(Environment environment, List<Route> routes, List<External> externals,
            List<Release> active, Map<ReleaseId, List<Backend>> backends) {
        EnvironmentName name = environment.name();
        List<PathRule> rules = routes.stream()
                .filter(r -> r.environment().equals(name))
                .sorted(Comparator.comparing(Route::path))
                .map(r -> new PathRule(r.path().value(), r.service().value()))
                .toList();
        List<Release> here = active.stream().filter(r -> r.environment().equals(name)).toList();
        List<ServiceRoute> services = here.stream()
                .filter(r -> r.state() == ReleaseState.LIVE)
                .sorted(Comparator.comparing(Release::service))
                .map(live -> new ServiceRoute(live.service().value(), live.id().toString(), live.version().value(),
                        backends.getOrDefault(live.id(), List.of()),
                        here.stream()
                                .filter(r -> r.state() == ReleaseState.TESTBED && r.service().equals(live.service()))
                                .findFirst()
                                .map(t -> new Testbed(t.id().toString(), t.version().value(),
                                        backends.getOrDefault(t.id(), List.of()), 0))
                                .orElse(null)))
                .toList();
        List<RouteTableView.External> thirdParties = externals.stream()
                .filter(e -> e.environment().equals(name))
                .sorted(Comparator.comparing(External::name))
                .map(e -> new RouteTableView.External(e.name().value(), e.url().toString()))
                .toList();
        return new EnvironmentRoutes(name.value(), environment.fallback().map(EnvironmentName::value).orElse(null), rules,
                services, thirdParties);
    }
}
