package dev.apollo.routing;

import dev.apollo.api.RouteTableView;
import dev.apollo.api.RouteTableView.Backend;
import dev.apollo.api.RouteTableView.EnvironmentRoutes;
import dev.apollo.api.RouteTableView.External;
import dev.apollo.api.RouteTableView.PathRule;
import dev.apollo.api.RouteTableView.ServiceRoute;
import dev.apollo.api.RouteTableView.Testbed;
import java.time.Instant;
import java.util.List;

/** A terse way to write route tables in tests. */
public final class Tables {
    private Tables() {}

    public static RouteTableView table(long version, EnvironmentRoutes... environments) {
        return new RouteTableView(version, Instant.parse("2025-01-01T00:00:00Z"), List.of(environments));
    }

    public static EnvironmentRoutes env(String name, String fallback, List<PathRule> rules, List<ServiceRoute> services) {
        return new EnvironmentRoutes(name, fallback, rules, services, List.of());
    }

    /** An environment with no web rules, for RPC: services and externals. */
    public static EnvironmentRoutes rpcEnv(String name, String fallback, List<ServiceRoute> services, List<External> externals) {
        return new EnvironmentRoutes(name, fallback, List.of(), services, externals);
    }

    public static External external(String name, String url) {
        return new External(name, url);
    }

    public static EnvironmentRoutes env(String name, List<PathRule> rules, List<ServiceRoute> services) {
        return env(name, null, rules, services);
    }

    public static PathRule rule(String path, String service) {
        return new PathRule(path, service);
    }

    public static ServiceRoute service(String name, String release, List<Backend> backends) {
        return new ServiceRoute(name, release, "1", backends, null);
    }

    public static ServiceRoute service(String name, String release, List<Backend> backends, String testbedRelease,
            List<Backend> testbedBackends, int weight) {
        return new ServiceRoute(name, release, "1", backends, new Testbed(testbedRelease, "2", testbedBackends, weight));
    }

    public static Backend backend(String instance, int port) {
        return new Backend(instance, "127.0.0.1:" + port);
    }
}
