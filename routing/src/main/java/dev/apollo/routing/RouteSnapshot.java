package dev.apollo.routing;

import dev.apollo.api.RouteTableView;
import dev.apollo.api.RouteTableView.EnvironmentRoutes;
import dev.apollo.api.RouteTableView.External;
import dev.apollo.api.RouteTableView.PathRule;
import dev.apollo.api.RouteTableView.ServiceRoute;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A route table compiled for routing: every fallback is resolved here, once, so that a request
 * costs one map lookup for its environment and a scan of that environment's rules.
 *
 * <p>Fallback semantics: an environment inherits the path rules and services of its fallback
 * chain. Its own rule for a path overrides an inherited rule for the same path; inherited rules
 * for other paths stay, and the longest prefix wins over the merged set. A service the
 * environment does not run at all is taken from the nearest environment in the chain that does;
 * a service it runs with zero healthy instances is not (that is a 503, not a silent detour).
 *
 * <p>RPC names follow the same rule: a name is looked up in the environment, then along its
 * fallback chain, and the nearest environment that has a service or an external by that name
 * answers; within one environment a service wins over an external of the same name.
 */
public final class RouteSnapshot {
    /** No table yet: every request is answered {@code no_route_table}. */
    public static final RouteSnapshot EMPTY = new RouteSnapshot(0, Map.of());

    private final long version;
    private final Map<String, EnvironmentTable> environments;

    private RouteSnapshot(long version, Map<String, EnvironmentTable> environments) {
        this.version = version;
        this.environments = environments;
    }

    public long version() {
        return version;
    }

    public boolean isEmpty() {
        return environments.isEmpty();
    }

    /** Every environment's table, by name. */
    public java.util.SortedMap<String, EnvironmentTable> environments() {
        return new java.util.TreeMap<>(environments);
    }

    /** The environment's table, or null when the table does not know it. */
    public EnvironmentTable environment(String name) {
        return environments.get(name);
    }

    /** A path rule resolved to its target; target is null when no environment in the chain runs the service. */
    public record Rule(String prefix, String service, ServiceTarget target) {
        /** {@code /a} matches {@code /a}, {@code /a/} and {@code /a/x}, never {@code /ab}. */
        public boolean matches(String path) {
            if (!path.startsWith(prefix)) {
                return false;
            }
            return path.length() == prefix.length() || prefix.length() == 1 || path.charAt(prefix.length()) == '/';
        }
    }

    /** What an RPC name resolves to: a service of ours, or a 3rd-party external. */
    public sealed interface RpcTarget permits ServiceTarget, ExternalEndpoint {}

    /** A service as seen from one environment; testbed is null when it has none. */
    public record ServiceTarget(String service, BackendPool live, BackendPool testbed, int testbedWeight) implements RpcTarget {}

    /**
     * Rules are sorted longest prefix first, so the first match is the answer.
     *
     * @param rpcTargets services and externals by name, fallbacks resolved
     * @param fallbacks the fallback chain after this environment, nearest first (for error messages)
     */
    public record EnvironmentTable(String name, Rule[] rules, Map<String, ServiceTarget> services,
            Map<String, RpcTarget> rpcTargets, List<String> fallbacks) {
        public Rule match(String path) {
            for (Rule rule : rules) {
                if (rule.matches(path)) {
                    return rule;
                }
            }
            return null;
        }
    }

    public static RouteSnapshot compile(RouteTableView view) {
        Map<String, EnvironmentRoutes> byName = new LinkedHashMap<>();
        for (EnvironmentRoutes env : nonNull(view.environments())) {
            if (env.name() == null || env.name().isBlank()) {
                throw new GatewayException("route table " + view.version() + " has an environment without a name");
            }
            byName.put(env.name(), env);
        }
        Map<String, Map<String, ServiceTarget>> ownTargets = new HashMap<>();
        byName.values().forEach(env -> ownTargets.put(env.name(), ownTargets(env)));
        Map<String, Map<String, ExternalEndpoint>> ownExternals = new HashMap<>();
        byName.values().forEach(env -> ownExternals.put(env.name(), ownExternals(env)));

        Map<String, EnvironmentTable> tables = new HashMap<>();
        for (EnvironmentRoutes env : byName.values()) {
            List<EnvironmentRoutes> chain = chain(env, byName);
            Map<String, ServiceTarget> services = new HashMap<>();
            Map<String, RpcTarget> rpcTargets = new HashMap<>();
            Map<String, String> rules = new LinkedHashMap<>();
            for (EnvironmentRoutes link : chain) {
                ownTargets.get(link.name()).forEach(services::putIfAbsent);
                ownTargets.get(link.name()).forEach(rpcTargets::putIfAbsent);
                ownExternals.get(link.name()).forEach(rpcTargets::putIfAbsent);
                for (PathRule rule : nonNull(link.rules())) {
                    rules.putIfAbsent(normalize(rule.path(), link.name()), rule.service());
                }
            }
            List<Rule> compiled = new ArrayList<>();
            rules.forEach((prefix, service) -> compiled.add(new Rule(prefix, service, services.get(service))));
            compiled.sort(Comparator.comparingInt((Rule r) -> r.prefix().length()).reversed());
            List<String> fallbacks = chain.stream().skip(1).map(EnvironmentRoutes::name).toList();
            tables.put(env.name(), new EnvironmentTable(env.name(), compiled.toArray(Rule[]::new), Map.copyOf(services),
                    Map.copyOf(rpcTargets), fallbacks));
        }
        return new RouteSnapshot(view.version(), Map.copyOf(tables));
    }

    /** The environment, then its fallbacks; a cycle or an unknown name ends the chain. */
    private static List<EnvironmentRoutes> chain(EnvironmentRoutes env, Map<String, EnvironmentRoutes> byName) {
        Set<String> seen = new LinkedHashSet<>();
        List<EnvironmentRoutes> chain = new ArrayList<>();
        for (EnvironmentRoutes link = env; link != null && seen.add(link.name()); ) {
            chain.add(link);
            link = link.fallback() == null ? null : byName.get(link.fallback());
        }
        return chain;
    }

    private static Map<String, ServiceTarget> ownTargets(EnvironmentRoutes env) {
        Map<String, ServiceTarget> targets = new HashMap<>();
        for (ServiceRoute route : nonNull(env.services())) {
            BackendPool live = pool(env.name(), route.service(), route.release(), route.backends());
            BackendPool testbed = null;
            int weight = 0;
            if (route.testbed() != null) {
                testbed = pool(env.name(), route.service(), route.testbed().release(), route.testbed().backends());
                weight = Math.clamp(route.testbed().weight(), 0, 100);
            }
            targets.put(route.service(), new ServiceTarget(route.service(), live, testbed, weight));
        }
        return targets;
    }

    private static Map<String, ExternalEndpoint> ownExternals(EnvironmentRoutes env) {
        Map<String, ExternalEndpoint> externals = new HashMap<>();
        for (External external : nonNull(env.externals())) {
            externals.put(external.name(), ExternalEndpoint.parse(env.name(), external.name(), external.url()));
        }
        return externals;
    }

    private static BackendPool pool(String env, String service, String release, List<RouteTableView.Backend> backends) {
        List<Backend> parsed = new ArrayList<>();
        for (RouteTableView.Backend backend : nonNull(backends)) {
            parsed.add(Backend.parse(String.valueOf(backend.instance()), backend.address()));
        }
        return new BackendPool(env, service, release == null ? "" : release, parsed);
    }

    private static String normalize(String path, String env) {
        if (path == null || !path.startsWith("/")) {
            throw new GatewayException("path rule '" + path + "' in environment " + env + ": expected a path starting with '/'");
        }
        int end = path.length();
        while (end > 1 && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(0, end);
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
