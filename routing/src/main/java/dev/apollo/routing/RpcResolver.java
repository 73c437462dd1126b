package dev.apollo.routing;

import static dev.apollo.routing.RouteResolver.PRODUCTION;

import dev.apollo.routing.Decision.Forward;
import dev.apollo.routing.Decision.ToExternal;
import dev.apollo.routing.RouteSnapshot.EnvironmentTable;
import dev.apollo.routing.RouteSnapshot.RpcTarget;
import dev.apollo.routing.RouteSnapshot.ServiceTarget;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * RPC request facts to a routing decision, with no I/O. {@code /<name>/<rest>} goes to
 * {@code /<rest>} on a healthy backend of service {@code name}'s live release, or to
 * {@code <url>/<rest>} of the external {@code name}; the query string is kept.
 *
 * <p>The environment, first match wins:
 * <ol>
 *   <li>{@code X-Apollo-Env: E}, else the {@code apollo.env=E} entry of a W3C {@code baggage}
 *       header: what a chain of calls begun in E carries along (the client library propagates it),
 *       so it beats where the call was sent;</li>
 *   <li>a path prefix {@code /_env/E/}, always stripped: the RPC_INT the platform gives instances
 *       outside production, for machines without DNS for {@code E.<suffix>};</li>
 *   <li>Host {@code E.<suffix>} ({@code <suffix>} alone is production);</li>
 *   <li>production.</li>
 * </ol>
 * A name the environment lacks is looked up along its fallback chain (see {@link RouteSnapshot}).
 */
public final class RpcResolver {
    static final String ENV_PREFIX = "/_env/";
    static final String BAGGAGE_ENV_KEY = "apollo.env";

    private final String suffix;
    private final String dotSuffix;

    public RpcResolver(String suffix) {
        this.suffix = suffix.toLowerCase(Locale.ROOT);
        this.dotSuffix = "." + this.suffix;
    }

    public Decision resolve(RouteSnapshot snapshot, RpcRequestFacts facts) {
        if (snapshot.isEmpty()) {
            return Rejects.noRouteTable();
        }
        String path = facts.path();
        String pathEnv = "";
        if (path.startsWith(ENV_PREFIX)) {
            int end = path.indexOf('/', ENV_PREFIX.length());
            pathEnv = path.substring(ENV_PREFIX.length(), end < 0 ? path.length() : end);
            path = end < 0 ? "/" : path.substring(end);
            if (pathEnv.isEmpty()) {
                return Rejects.noEnvironmentInPath(facts.path());
            }
        }
        String env = environment(facts, pathEnv);
        EnvironmentTable table = snapshot.environment(env);
        if (table == null) {
            return Rejects.unknownEnvironment(env);
        }
        int slash = path.indexOf('/', 1);
        String name = path.substring(1, slash < 0 ? path.length() : slash);
        String rest = slash < 0 ? "/" : path.substring(slash);
        if (name.isEmpty()) {
            return Rejects.noServiceInPath(facts.path());
        }
        RpcTarget target = table.rpcTargets().get(name);
        return switch (target) {
            case null -> Rejects.unknownService(table.name(), table.fallbacks(), name);
            case ServiceTarget service -> toService(service, env, rest, facts.query());
            case ExternalEndpoint external -> new ToExternal(external, env, external.uriFor(rest, facts.query()));
        };
    }

    private String environment(RpcRequestFacts facts, String pathEnv) {
        String header = facts.envHeader().trim();
        if (!header.isEmpty()) {
            return header;
        }
        String fromBaggage = baggageEntry(facts.baggage(), BAGGAGE_ENV_KEY);
        if (!fromBaggage.isEmpty()) {
            return fromBaggage;
        }
        if (!pathEnv.isEmpty()) {
            return pathEnv;
        }
        String host = RouteResolver.stripPort(facts.host()).toLowerCase(Locale.ROOT);
        if (host.endsWith(dotSuffix) && host.length() > dotSuffix.length()) {
            return host.substring(0, host.length() - dotSuffix.length());
        }
        return PRODUCTION;
    }

    private static Decision toService(ServiceTarget service, String env, String rest, String query) {
        BackendPool pool = service.live();
        if (pool.isEmpty()) {
            return Rejects.noHealthyService(env, pool.environment(), service.service());
        }
        return new Forward(pool, env, rest + (query.isEmpty() ? "" : "?" + query), "");
    }

    /**
     * The value of {@code key} in a W3C baggage header ({@code k=v;prop, k2=v2}, values
     * percent-encoded), or "" when absent or malformed.
     */
    static String baggageEntry(String baggage, String key) {
        int from = 0;
        while (from < baggage.length()) {
            int end = baggage.indexOf(',', from);
            if (end < 0) {
                end = baggage.length();
            }
            int properties = baggage.indexOf(';', from);
            int memberEnd = properties >= 0 && properties < end ? properties : end;
            int eq = baggage.indexOf('=', from);
            if (eq > 0 && eq < memberEnd && baggage.substring(from, eq).trim().equals(key)) {
                try {
                    return URLDecoder.decode(baggage.substring(eq + 1, memberEnd).trim().replace("+", "%2B"),
                            StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return "";
                }
            }
            from = end + 1;
        }
        return "";
    }
}
