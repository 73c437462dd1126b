package dev.apollo.routing;

import dev.apollo.routing.Decision.Forward;
import dev.apollo.routing.RouteSnapshot.EnvironmentTable;
import dev.apollo.routing.RouteSnapshot.Rule;
import dev.apollo.routing.RouteSnapshot.ServiceTarget;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Request facts to a routing decision, with no I/O: {@code <domain>} is production,
 * {@code <E>.<domain>} is E, {@code testbed.<S>.<E>.<domain>} (or {@code testbed.<S>.<domain>}
 * for production) is the testbed of S; {@code X-Apollo-Env} overrides the environment; hosts
 * outside the domain (an IP, {@code localhost}) mean production, so that one machine works with
 * the header alone.
 */
public final class RouteResolver {
    public static final String PRODUCTION = "production";
    public static final String TESTBED_COOKIE = "apollo-testbed";
    public static final String CLIENT_COOKIE = "apollo-client";

    private final String dotDomain;
    private final Supplier<String> clientIds;

    /** @param clientIds mints {@code apollo-client} ids for clients that have none (random in production) */
    public RouteResolver(String domain, Supplier<String> clientIds) {
        this.dotDomain = "." + domain.toLowerCase(Locale.ROOT);
        this.clientIds = clientIds;
    }

    public Decision resolve(RouteSnapshot snapshot, RequestFacts facts) {
        if (snapshot.isEmpty()) {
            return Rejects.noRouteTable();
        }
        String host = stripPort(facts.host()).toLowerCase(Locale.ROOT);
        String env = PRODUCTION;
        String testbedOf = "";
        if (host.endsWith(dotDomain)) {
            String sub = host.substring(0, host.length() - dotDomain.length());
            if (sub.startsWith("testbed.")) {
                String rest = sub.substring("testbed.".length());
                int dot = rest.indexOf('.');
                testbedOf = dot < 0 ? rest : rest.substring(0, dot);
                env = dot < 0 ? PRODUCTION : rest.substring(dot + 1);
            } else {
                env = sub;
            }
        }
        if (!facts.envHeader().isEmpty()) {
            env = facts.envHeader().trim();
        }
        EnvironmentTable table = snapshot.environment(env);
        if (table == null) {
            return Rejects.unknownEnvironment(env);
        }
        return testbedOf.isEmpty() ? byPath(table, facts) : byTestbedHost(table, testbedOf);
    }

    private Decision byTestbedHost(EnvironmentTable table, String service) {
        ServiceTarget target = table.services().get(service);
        if (target == null || target.testbed() == null) {
            return Rejects.noTestbed(table.name(), service);
        }
        return forward(target.testbed(), table.name(), "");
    }

    private Decision byPath(EnvironmentTable table, RequestFacts facts) {
        Rule rule = table.match(facts.path());
        if (rule == null) {
            return Rejects.noRoute(table.name(), facts.path());
        }
        ServiceTarget target = rule.target();
        if (target == null) {
            return Rejects.notDeployed(table.name(), rule.service());
        }
        BackendPool testbed = target.testbed();
        if (testbed == null) {
            return forward(target.live(), table.name(), "");
        }
        String cookies = facts.cookieHeader();
        if (listContains(facts.testbedHeader(), target.service())
                || target.service().equals(cookie(cookies, TESTBED_COOKIE))) {
            return forward(testbed, table.name(), "");
        }
        if (target.testbedWeight() == 0 || testbed.isEmpty()) {
            return forward(target.live(), table.name(), "");
        }
        String clientId = cookie(cookies, CLIENT_COOKIE);
        String minted = "";
        if (clientId == null || clientId.isEmpty()) {
            clientId = minted = clientIds.get();
        }
        BackendPool pool = bucket(clientId) < target.testbedWeight() ? testbed : target.live();
        return forward(pool, table.name(), minted);
    }

    private static Decision forward(BackendPool pool, String env, String minted) {
        if (pool.isEmpty()) {
            return Rejects.noHealthyRelease(env, pool.environment(), pool.service(), pool.release());
        }
        return new Forward(pool, env, "", minted);
    }

    /** A stable 0..99 bucket: the same client lands on the same side of a weighted testbed on every request. */
    static int bucket(String clientId) {
        int h = clientId.hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return Math.floorMod(h, 100);
    }

    /** The value of cookie {@code name} in a raw Cookie header, or null. */
    static String cookie(String header, String name) {
        int from = 0;
        while (from < header.length()) {
            int end = header.indexOf(';', from);
            if (end < 0) {
                end = header.length();
            }
            int start = from;
            while (start < end && header.charAt(start) == ' ') {
                start++;
            }
            if (header.startsWith(name, start) && start + name.length() < end && header.charAt(start + name.length()) == '=') {
                String value = header.substring(start + name.length() + 1, end).trim();
                return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                        ? value.substring(1, value.length() - 1) : value;
            }
            from = end + 1;
        }
        return null;
    }

    /** Whether a comma-separated header value names {@code item}. */
    private static boolean listContains(String header, String item) {
        if (header.isEmpty()) {
            return false;
        }
        if (header.equals(item)) {
            return true;
        }
        for (String part : header.split(",")) {
            if (part.trim().equals(item)) {
                return true;
            }
        }
        return false;
    }

    static String stripPort(String host) {
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            return close < 0 ? host : host.substring(0, close + 1);
        }
        int colon = host.indexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }
}
