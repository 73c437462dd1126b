package dev.apollo.server.control;

import dev.apollo.api.RouteTableView;
import dev.apollo.api.RouteTableView.EnvironmentRoutes;
import dev.apollo.gateway.nginx.NginxGateway;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The current route table and its subscribers (the gateways' streams). A new version is made only
 * when the content changes; versions start from the clock at start-up so they keep growing across
 * control-plane restarts.
 */
public final class RouteFeed implements NginxGateway.Routes {
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile RouteTableView current;
    private volatile boolean published;
    private volatile boolean mirrored;

    public RouteFeed(Clock clock) {
        this.clock = clock;
        this.current = new RouteTableView(clock.millis() * 1000, clock.instant(), List.of());
    }

    @Override
    public RouteTableView current() {
        return current;
    }

    /**
     * Publishes the table if it differs from the current one; true when it did. The first one gets a version of
     * its own even when it is empty like the table of the start, so that whoever waits for a made table sees one.
     */
    boolean offer(List<EnvironmentRoutes> environments) {
        if (published && environments.equals(current.environments())) {
            return false; // every tick offers a table; only the controller's thread publishes, so no lock for a no-op
        }
        lock.lock();
        try {
            boolean first = !published;
            published = true;
            if (!first && environments.equals(current.environments())) {
                return false;
            }
            replace(environments);
        } finally {
            lock.unlock();
        }
        return true;
    }

    private void replace(List<EnvironmentRoutes> environments) {
        current = new RouteTableView(current.version() + 1, clock.instant(), List.copyOf(environments));
        changed.signalAll();
    }

    /**
     * A standby's copy of the leader's table, for the gateway it manages itself (nginx, which follows this feed):
     * the leader's content under this feed's own next version, so versions keep growing whichever control plane
     * the content came from. Ignored once this control plane's controller has published a table of its own: from
     * then on the table is its to make. Does not count as published: as a new leader, this control plane still
     * hands no gateway a table before its controller made one.
     */
    public void mirror(RouteTableView leaders) {
        lock.lock();
        try {
            if (published || (mirrored && leaders.environments().equals(current.environments()))) {
                return;
            }
            mirrored = true;
            replace(leaders.environments());
        } finally {
            lock.unlock();
        }
    }

    /**
     * This control plane's controller makes no more tables (its term is over: it stepped down). The current table
     * stays, still made, for the nginx it manages to go on serving, and the leader's tables replace it from here on
     * ({@link #mirror}), as on a standby.
     */
    public void handOver() {
        lock.lock();
        try {
            if (published) {
                published = false;
                mirrored = true;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether this control plane's controller has published a table yet: until then the current one is the
     * empty table of the start, which a gateway must never be given in place of the table it serves (a
     * standby that just took over answers gateways before its first tick).
     */
    public boolean published() {
        return published;
    }

    @Override
    public boolean made() {
        return published || mirrored;
    }

    /** Waits until a version newer than {@code version} exists and returns it, or the same table at the timeout. */
    @Override
    public RouteTableView awaitNewer(long version, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (current.version() <= version) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                changed.await(left, TimeUnit.NANOSECONDS);
            }
            return current;
        } finally {
            lock.unlock();
        }
    }
}
