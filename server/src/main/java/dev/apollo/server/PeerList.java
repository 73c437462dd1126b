package dev.apollo.server;

import dev.apollo.core.port.Leadership;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Keeps the data dir's {@code peers.json} current: the API addresses of the other control planes sharing the store,
 * leader first. The embedded gateway is a process of its own that outlives its control plane; when that one is
 * killed, the gateway's one way to the new leader is a control plane it already knew of, so the list is written
 * while this one runs and left in place when it stops.
 */
final class PeerList implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PeerList.class.getName());
    private static final Duration EVERY = Duration.ofSeconds(1);

    private final Leadership leadership;
    private final String self;
    private final String ownAddress;
    private final Consumer<List<String>> write;
    private final ScheduledExecutorService rounds = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "apollo-peers");
        thread.setDaemon(true);
        return thread;
    });
    private List<String> written;

    /**
     * @param self this control plane's id, left out of its own list
     * @param ownAddress this control plane's API address, left out too
     * @param write writes the list (only when it changed)
     */
    PeerList(Leadership leadership, String self, String ownAddress, Consumer<List<String>> write) {
        this.leadership = leadership;
        this.self = self;
        this.ownAddress = ownAddress;
        this.write = write;
    }

    void start() {
        rounds.scheduleWithFixedDelay(this::round, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void round() {
        try {
            List<String> peers = order(self, ownAddress, leadership.current(), leadership.members(), Instant.now());
            if (!peers.equals(written)) {
                write.accept(peers);
                written = peers;
            }
        } catch (RuntimeException e) {
            // The database did not answer: the list written last is the best guess, so it stays.
            LOG.fine("could not refresh the list of peers: " + e.getMessage());
        }
    }

    /**
     * The addresses to try, in order: the leader (while its term lasts), then the others by last contact, most recent
     * first; never this control plane (by id, or by address: an earlier process of its own on the same port).
     */
    static List<String> order(String self, String ownAddress, Leadership.Term term, List<Leadership.Member> members,
            Instant now) {
        Set<String> peers = new LinkedHashSet<>();
        boolean leaderKnown = term.epoch() > 0 && !term.holder().equals(self) && term.expiresAt().isAfter(now)
                && !term.address().isBlank();
        if (leaderKnown) {
            peers.add(term.address());
        }
        members.stream().filter(m -> !m.id().equals(self) && !m.address().isBlank())
                .sorted(Comparator.comparing(Leadership.Member::seenAt).reversed())
                .forEach(m -> peers.add(m.address()));
        peers.remove(ownAddress);
        return List.copyOf(peers);
    }

    @Override
    public void close() {
        rounds.shutdownNow();
    }
}
