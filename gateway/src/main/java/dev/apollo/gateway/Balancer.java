package dev.apollo.gateway;

import dev.apollo.routing.Backend;
import dev.apollo.routing.BackendPool;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Round robin over a pool, skipping backends that recently refused a connection (passive
 * ejection). Ejection is keyed by address, not by pool, so it survives route-table swaps and
 * covers every release that shares the instance. Shared by all event loops.
 */
final class Balancer {
    private final ConcurrentHashMap<String, Long> ejectedUntil = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;
    private final long ejectNanos;

    Balancer(LongSupplier nanoClock, long ejectNanos) {
        this.nanoClock = nanoClock;
        this.ejectNanos = ejectNanos;
    }

    /** The next backend of a non-empty pool; an ejected one only when every one is ejected. */
    Backend pick(BackendPool pool) {
        int start = pool.nextStart();
        if (ejectedUntil.isEmpty() || pool.size() == 1) {
            return pool.get(start);
        }
        return firstHealthy(pool, start, List.of(), pool.get(start));
    }

    /**
     * A backend not among {@code tried}, for a retry; null when the pool has no other. Prefers one
     * that is not ejected.
     */
    Backend pickOther(BackendPool pool, List<Backend> tried) {
        if (pool.size() <= tried.size()) {
            return null;
        }
        int start = pool.nextStart();
        Backend fallback = null;
        for (int i = 0; i < pool.size() && fallback == null; i++) {
            Backend candidate = pool.get((start + i) % pool.size());
            fallback = tried.contains(candidate) ? null : candidate;
        }
        return firstHealthy(pool, start, tried, fallback);
    }

    private Backend firstHealthy(BackendPool pool, int start, List<Backend> excluded, Backend whenNone) {
        long now = nanoClock.getAsLong();
        for (int i = 0; i < pool.size(); i++) {
            Backend candidate = pool.get((start + i) % pool.size());
            if (!excluded.contains(candidate) && !isEjected(candidate, now)) {
                return candidate;
            }
        }
        return whenNone;
    }

    void eject(Backend backend) {
        ejectedUntil.put(backend.address(), nanoClock.getAsLong() + ejectNanos);
    }

    boolean isEjected(Backend backend) {
        return isEjected(backend, nanoClock.getAsLong());
    }

    private boolean isEjected(Backend backend, long now) {
        Long until = ejectedUntil.get(backend.address());
        if (until == null) {
            return false;
        }
        if (now - until >= 0) {
            ejectedUntil.remove(backend.address(), until);
            return false;
        }
        return true;
    }
}
