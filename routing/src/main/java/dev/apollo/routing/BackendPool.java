package dev.apollo.routing;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The backends of one release: the unit of round robin, keyed by (environment, service, release).
 * Lives as long as the route table that compiled it, so a new table starts a fresh rotation.
 */
public final class BackendPool {
    private final String environment;
    private final String service;
    private final String release;
    private final Backend[] backends;
    private final AtomicInteger cursor = new AtomicInteger();

    public BackendPool(String environment, String service, String release, List<Backend> backends) {
        this.environment = environment;
        this.service = service;
        this.release = release;
        this.backends = backends.toArray(Backend[]::new);
    }

    public String environment() {
        return environment;
    }

    public String service() {
        return service;
    }

    public String release() {
        return release;
    }

    /** The backends' addresses (HOST:PORT), in the table's order. */
    public java.util.List<String> addresses() {
        return java.util.Arrays.stream(backends).map(Backend::address).toList();
    }

    /** How many backends; {@link #get} takes 0 to size - 1. The embedded gateway's balancer walks them. */
    public int size() {
        return backends.length;
    }

    public Backend get(int index) {
        return backends[index];
    }

    public boolean isEmpty() {
        return backends.length == 0;
    }

    /** The next starting position of the rotation; wraps harmlessly on overflow. */
    public int nextStart() {
        return Math.floorMod(cursor.getAndIncrement(), backends.length);
    }

    @Override
    public String toString() {
        return service + "@" + environment + " (release " + release + ", " + backends.length + " backends)";
    }
}
