package dev.apollo.scheduler.swarm;

import dev.apollo.core.ApolloException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@code docker stop} of task containers, off the caller's thread: SIGTERM, SIGKILL at the deadline, which the
 * engine sees through even if the control plane goes away. Each container is asked once; a request that failed is
 * forgotten, so that the next housekeeping pass asks again.
 */
final class ContainerStops implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ContainerStops.class.getName());

    private final Clock clock;
    private final Set<String> sent = ConcurrentHashMap.newKeySet();
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();

    ContainerStops(Clock clock) {
        this.clock = clock;
    }

    /** Stops {@code container} through {@code engine}, the engine of the node it runs on. */
    void stop(Engine engine, String container, Instant deadline) {
        if (!sent.add(container)) {
            return;
        }
        long millis = Math.max(0, Duration.between(clock.instant(), deadline).toMillis());
        long seconds = (millis + 999) / 1000;
        senders.execute(() -> {
            try {
                engine.send("POST", "/containers/" + container + "/stop?t=" + seconds, null, Map.of()).close();
            } catch (ApolloException.NotFound e) {
                // gone already
            } catch (RuntimeException e) {
                sent.remove(container);
                LOG.log(Level.WARNING, "Could not stop container " + container, e);
            }
        });
    }

    /** Waits a little for the requests under way; a stop already sent is the engine's to finish. */
    @Override
    public void close() {
        senders.shutdown();
        try {
            senders.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
