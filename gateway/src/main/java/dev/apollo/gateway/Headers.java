package dev.apollo.gateway;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which headers cross the gateway (RFC 9110 §7.6.1): hop-by-hop headers, and every header the
 * {@code Connection} header names, belong to one connection and stay on our side of it; the rest
 * is copied once, as it came, in its order.
 */
final class Headers {
    /** Always hop-by-hop, lower case; plus Host (the backend gets its own) and Expect (we answer 100-continue). */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "http2-settings");
    private static final Set<String> NOT_TO_BACKENDS = Set.of("host", "expect");

    private Headers() {}

    /** Copies the headers a request carries on to a backend, without Host and Expect. */
    static void copyRequest(MultiMap from, MultiMap to) {
        copy(from, to, NOT_TO_BACKENDS);
    }

    /** Copies the headers a response carries on to the client. */
    static void copyResponse(MultiMap from, MultiMap to) {
        copy(from, to, Set.of());
    }

    private static void copy(MultiMap from, MultiMap to, Set<String> alsoSkipped) {
        Set<String> named = connectionNamed(from);
        for (Map.Entry<String, String> header : from) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(name) && !alsoSkipped.contains(name) && (named.isEmpty() || !named.contains(name))) {
                to.add(header.getKey(), header.getValue());
            }
        }
    }

    /** The header names the Connection header lists (lower case); "close" and "keep-alive" are options, not names. */
    private static Set<String> connectionNamed(MultiMap headers) {
        List<String> values = headers.getAll(HttpHeaders.CONNECTION);
        if (values.isEmpty()) {
            return Set.of();
        }
        Set<String> named = new HashSet<>();
        for (String value : values) {
            for (String token : value.split(",")) {
                String name = token.strip().toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && !name.equals("close") && !name.equals("keep-alive")) {
                    named.add(name);
                }
            }
        }
        return named;
    }

    /** All lines of a header as one list, as RFC 9110 §5.3 allows for list-valued headers; null when absent. */
    static String joined(MultiMap headers, CharSequence name) {
        List<String> all = headers.getAll(name);
        return all.isEmpty() ? null : all.size() == 1 ? all.getFirst() : String.join(", ", all);
    }
}
