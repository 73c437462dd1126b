package dev.apollo.api;

import java.time.Instant;
import java.util.List;

/**
 * The route table the control plane pushes to gateways: everything a gateway needs to route web
 * and RPC traffic, and nothing it would have to ask the scheduler for. Each push is a whole,
 * immutable snapshot; {@code version} grows with every change, so a gateway can tell which one it
 * serves.
 */
public record RouteTableView(long version, Instant generatedAt, List<EnvironmentRoutes> environments) {

    /**
     * One environment's routes.
     *
     * @param fallback where services this environment lacks are looked up (may be null)
     * @param rules web path rules; the longest matching prefix wins
     */
    public record EnvironmentRoutes(
            String name, String fallback, List<PathRule> rules, List<ServiceRoute> services, List<External> externals) {}

    /** {@code /a-path => service}: a request path equal to the prefix or below it ({@code /a-path/x}). */
    public record PathRule(String path, String service) {}

    /**
     * Where a service's traffic goes: the healthy instances of its live release (empty when none
     * is healthy: the gateway answers 503), and its testbed, if it has one.
     */
    public record ServiceRoute(String service, String release, String version, List<Backend> backends, Testbed testbed) {}

    /**
     * A testbed release, reached by opting in (header, cookie or host).
     *
     * @param weight percent of ordinary traffic sent to the testbed, sticky per client (0 = opt-in only)
     */
    public record Testbed(String release, String version, List<Backend> backends, int weight) {}

    public record Backend(String instance, String address) {}

    /** A 3rd-party service reached through the RPC gateway as {@code /<name>/<path>}. */
    public record External(String name, String url) {}
}
