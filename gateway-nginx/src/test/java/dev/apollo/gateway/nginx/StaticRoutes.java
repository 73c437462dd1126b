package dev.apollo.gateway.nginx;

import dev.apollo.api.RouteTableView;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/** A route feed for tests: holds one table until the test sets another. */
final class StaticRoutes implements NginxGateway.Routes {
    static final NginxGateway.Listener QUIET = new NginxGateway.Listener() {
        @Override
        public void trouble(String message) {}

        @Override
        public void recovered(String message) {}
    };

    private final AtomicReference<RouteTableView> table;
    private boolean held;

    private StaticRoutes(RouteTableView table) {
        this.table = new AtomicReference<>(table);
    }

    static StaticRoutes of(RouteTableView table) {
        return new StaticRoutes(table);
    }

    void set(RouteTableView next) {
        synchronized (this) {
            table.set(next);
            notifyAll();
        }
    }

    /** Until {@link #release}, a manager waiting for a newer table hears of none ({@link #current} still answers the newest). */
    synchronized void hold() {
        held = true;
    }

    synchronized void release() {
        held = false;
        notifyAll();
    }

    @Override
    public RouteTableView current() {
        return table.get();
    }

    @Override
    public synchronized RouteTableView awaitNewer(long version, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (held || table.get().version() <= version) {
            if (held) {
                wait(); // until release(); the manager's close() interrupts it
                continue;
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                break;
            }
            wait(left);
        }
        return table.get();
    }
}
