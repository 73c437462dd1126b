package dev.apollo.server;

import dev.apollo.core.ApolloException;
import dev.apollo.process.LogLimits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/**
 * Keeps the embedded gateway serving with two processes on the same listening sockets: one serves,
 * the other stands by, warm (routes followed, event loop running), holding the sockets the first
 * handed it (SocketHandOff, over a Unix socket in the data dir). The kernel's lock on
 * {@code gateway.lock} says which serves; when that process exits, {@code kill -9} included, the
 * lock is released and the standby serves within milliseconds. The connections that queued on the
 * sockets meanwhile wait for it: a {@code kill -9} costs only the requests in flight on the dead
 * process, and no new connection is refused. Here each process has a watcher that starts a new one
 * as soon as its one is gone (a JVM, ~1 s), which then stands by. Processes outlive the control
 * plane and the next one adopts them.
 *
 * <p>Why one serving process and not two: on a machine the gateway shares with the instances, two
 * event loops contended for the cores with each other and cost more CPU per request than one
 * (docs/ARCHITECTURE.md). Where sockets cannot be handed over (no native transport: not Linux), the
 * standby binds the ports itself when it takes over.
 */
final class GatewaySupervisor {
    private static final Logger LOG = Logger.getLogger(GatewaySupervisor.class.getName());
    /** How often a watcher looks at its process; a dead one is noticed within this. */
    private static final Duration WATCH_INTERVAL = Duration.ofMillis(20);
    private static final Duration FIRST_RETRY = Duration.ofMillis(200);
    private static final Duration LAST_RETRY = Duration.ofSeconds(10);

    /** What the supervisor tells the platform: a process died, all serve again. */
    interface Listener {
        void trouble(String message);

        void recovered(String message);

        Listener NONE = new Listener() {
            @Override
            public void trouble(String message) {}

            @Override
            public void recovered(String message) {}
        };
    }

    /**
     * What `status` shows.
     *
     * @param serving the process that accepts connections, 0 when none does
     */
    record Status(String state, List<Long> pids, long serving, int restarts, String lastError, Instant lastErrorAt) {}

    private final Path home;
    private final String domain;
    private final String web;
    private final String rpc;
    private final Listener listener;
    private final Clock clock;
    private final LogLimits logs;
    private final GatewayProcess[] slots;
    private final List<Thread> watchers = new ArrayList<>();
    private volatile boolean stopping;
    private int restarts;
    private String lastError;
    private Instant lastErrorAt;

    private GatewaySupervisor(Path home, String domain, String web, String rpc, List<GatewayProcess> running, Listener listener,
            Clock clock, LogLimits logs) {
        this.home = home;
        this.domain = domain;
        this.web = web;
        this.rpc = rpc;
        this.listener = listener;
        this.clock = clock;
        this.logs = logs;
        this.slots = running.toArray(GatewayProcess[]::new);
    }

    /**
     * The data dir's gateway: its running processes adopted, the missing ones started (the first on
     * {@code web} and {@code rpc}, port 0 for any; the second on the ports the first got), then watched.
     */
    static GatewaySupervisor start(Path home, String web, String rpc, String domain, Listener listener, Clock clock,
            LogLimits logs) {
        List<Path> files = stateFiles(home);
        GatewayProcess first = GatewayProcess.find(files.get(0)).map(p -> adopted(p))
                .or(() -> GatewayProcess.find(files.get(1)).map(p -> adopted(p)))
                .orElseGet(() -> {
                    checkFree(web, "--web");
                    checkFree(rpc, "--rpc");
                    return GatewayProcess.start(home, files.get(0), files.get(1), web, rpc, domain, logs);
                });
        String boundWeb = first.webAddress();
        String boundRpc = first.rpcAddress().isEmpty() ? "none" : first.rpcAddress();
        List<GatewayProcess> running = new ArrayList<>(List.of(first));
        Path secondFile = partner(files, first.stateFile());
        GatewayProcess.find(secondFile).map(p -> adopted(p)).ifPresentOrElse(running::add, () -> {
            try {
                running.add(GatewayProcess.start(home, secondFile, first.stateFile(), boundWeb, boundRpc, domain, logs));
            } catch (ApolloException e) {
                // No shared ports here (or an adopted gateway of an older Apollo holds them alone).
                LOG.warning("the web gateway runs as one process: a second could not start beside it (" + e.getMessage() + ")");
            }
        });
        GatewaySupervisor supervisor = new GatewaySupervisor(home, domain, boundWeb, boundRpc, running, listener, clock, logs);
        supervisor.watch();
        return supervisor;
    }

    /** Stops the gateway processes an earlier start left, when an nginx gateway is to take the ports. */
    static void stopLeftover(Path home) {
        stateFiles(home).stream().flatMap(file -> GatewayProcess.find(file).stream())
                .forEach(p -> p.stop(Duration.ofSeconds(5)));
    }

    /**
     * Gateway processes bind with SO_REUSEPORT, which would let one share a port with a program of
     * the same user that asked for it too (another data dir's gateway): the first process is only
     * started on a port that a plain bind finds free.
     */
    private static void checkFree(String hostPort, String flag) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || hostPort.endsWith(":0")) {
            return; // none, or any free port
        }
        String host = hostPort.substring(0, colon);
        host = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as servers do: a port whose old connections linger in TIME_WAIT is free
            probe.bind(new InetSocketAddress(host, Integer.parseInt(hostPort.substring(colon + 1))));
        } catch (IOException | RuntimeException e) {
            throw new ApolloException("the web gateway cannot listen on " + hostPort + " (" + e.getMessage() + "); is another"
                    + " gateway or program using it? Choose another port with 'apollo up " + flag + " HOST:PORT'.");
        }
    }

    /** gateway.json, the file every kind of gateway writes (see {@link Front#stateFile}), and the second process's. */
    private static List<Path> stateFiles(Path home) {
        Path first = Front.stateFile(home);
        return List.of(first, first.resolveSibling("gateway-2.json"));
    }

    private static Path partner(List<Path> files, Path file) {
        return files.get(file.equals(files.get(0)) ? 1 : 0);
    }

    private static GatewayProcess adopted(GatewayProcess process) {
        LOG.info("adopted the running gateway process " + process.pid());
        return process;
    }

    String webAddress() {
        return web;
    }

    /** "" when it runs no RPC listener. */
    String rpcAddress() {
        return rpc.equals("none") ? "" : rpc;
    }

    synchronized Status status() {
        List<Long> pids = new ArrayList<>();
        long serving = 0;
        for (GatewayProcess slot : slots) {
            if (slot.running()) {
                pids.add(slot.pid());
                serving = serving == 0 && slot.serving() ? slot.pid() : serving;
            }
        }
        String state = pids.size() == slots.length && serving != 0 ? "serving" : pids.isEmpty() ? "down" : "degraded";
        return new Status(state, List.copyOf(pids), serving, restarts, lastError, lastErrorAt);
    }

    /** {@code apollo down}: no more replacements; every process finishes what it serves, then exits. */
    void stop(Duration grace) {
        close();
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (GatewayProcess slot : currentSlots()) {
            stops.add(CompletableFuture.runAsync(() -> slot.stop(grace), Thread.ofVirtual()::start));
        }
        stops.forEach(CompletableFuture::join);
    }

    /** The control plane stops: watching stops, the processes serve on for the next one to adopt. */
    void close() {
        stopping = true;
        watchers.forEach(Thread::interrupt);
        for (Thread watcher : watchers) {
            try {
                watcher.join(Duration.ofSeconds(35)); // a start under way ends within its own timeout
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private synchronized List<GatewayProcess> currentSlots() {
        return List.of(slots);
    }

    private void watch() {
        for (int i = 0; i < slots.length; i++) {
            int slot = i;
            watchers.add(Thread.ofVirtual().name("gateway-watch-" + slot).start(() -> watchSlot(slot)));
        }
    }

    /** Until the control plane stops: wait for the slot's process to be gone, start another on the same ports. */
    private void watchSlot(int slot) {
        Duration retry = FIRST_RETRY;
        while (!stopping) {
            GatewayProcess process = currentSlots().get(slot);
            try {
                while (!stopping && process.running()) {
                    Thread.sleep(WATCH_INTERVAL);
                }
                if (stopping) {
                    return;
                }
                failed("the web gateway's process " + process.pid() + " exited; starting another on " + web
                        + (rpc.equals("none") ? "" : " and " + rpc));
                if (currentSlots().stream().noneMatch(GatewayProcess::running)) {
                    // Nothing of ours holds the ports now: a shared port must not be joined to someone else's.
                    checkFree(web, "--web");
                    checkFree(rpc, "--rpc");
                }
                GatewayProcess replacement = GatewayProcess.start(home, process.stateFile(),
                        partner(stateFiles(home), process.stateFile()), web, rpc, domain, logs);
                replaced(slot, replacement);
                retry = FIRST_RETRY;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (stopping) {
                    return;
                }
                failed("cannot start the web gateway again (next try in " + retry.toMillis() + " ms): " + e.getMessage());
                try {
                    Thread.sleep(retry);
                } catch (InterruptedException interrupted) {
                    return;
                }
                retry = retry.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retry.multipliedBy(2);
            }
        }
    }

    private void failed(String message) {
        LOG.warning(message);
        synchronized (this) {
            lastError = message;
            lastErrorAt = clock.instant();
        }
        listener.trouble(message);
    }

    private void replaced(int slot, GatewayProcess replacement) {
        boolean allServe;
        synchronized (this) {
            slots[slot] = replacement;
            restarts++;
            allServe = status().state().equals("serving");
            if (allServe) {
                lastError = null;
                lastErrorAt = null;
            }
        }
        String message = "the web gateway's process " + replacement.pid() + " serves on " + web
                + (allServe ? "; all " + slots.length + " processes serve again" : "");
        LOG.info(message);
        if (allServe) {
            listener.recovered(message);
        }
    }
}
