package dev.apollo.gateway.nginx;

import dev.apollo.api.RouteTableView;
import dev.apollo.gateway.nginx.NginxConfig.Part;
import dev.apollo.gateway.nginx.NginxRenderer.Refused;
import dev.apollo.process.LogLimits;
import dev.apollo.process.LogRotation;
import dev.apollo.routing.GatewayException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Keeps a real nginx serving the current route table, and does not repeat what went wrong with
 * marathon-lb and Baragon:
 * <ul>
 *   <li>A change of instances (deploy, scale, replacement, rollback, testbed) is no reload: the
 *       instances go to nginx's Lua balancer over the control socket ({@link Members}), and
 *       nginx routes by them from its next request on. Reloads close keep-alive connections and
 *       cut long requests, so only structure (environments, path rules, services, externals) is
 *       in the file.</li>
 *   <li>Every configuration is validated with {@code nginx -t} on a file of its own before it
 *       replaces the live one (an atomic rename), then applied by a reload. A configuration nginx
 *       refuses is never applied: the last good one keeps serving and the error is reported.</li>
 *   <li>One bad part does not stop every later change: when nginx names a line that belongs to an
 *       external (a host it cannot resolve, say), that external is rendered as a 502 that says why,
 *       and the rest of the change goes through.</li>
 *   <li>Bursts of changes are coalesced into at most one reload per {@code minReloadInterval}, and a
 *       reload waits while too many old workers are still finishing their requests (nginx ends them
 *       after {@code worker_shutdown_timeout}), so they cannot pile up.</li>
 *   <li>A change counts as applied only when nginx answers, over a control socket, with the
 *       digest of the new file and of the instances it was sent; so the control plane knows which
 *       routes are really served and stops a drained instance only after nginx has let go of it.</li>
 * </ul>
 * nginx runs as a daemon of its own: it keeps serving the last configuration when the control plane
 * dies, and the next control plane adopts it (through its pid file) instead of restarting it.
 */
public final class NginxGateway implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(NginxGateway.class.getName());
    private static final int MAX_REFUSED_PARTS = 8;
    private static final Duration RETRY_AFTER_ERROR = Duration.ofSeconds(5);

    /** Where route tables come from: the control plane's feed. */
    public interface Routes {
        RouteTableView current();

        /**
         * Whether {@link #current()} is a table made for this cluster (by this control plane, or copied from the
         * leader), not the empty one a control plane starts with: an nginx it adopted keeps serving what it serves
         * until then.
         */
        default boolean made() {
            return true;
        }

        /** A version newer than {@code version}, or the current table at the timeout. */
        RouteTableView awaitNewer(long version, Duration timeout) throws InterruptedException;
    }

    /** Who hears of trouble (a refused configuration, a dead nginx) and of the recovery from it. */
    public interface Listener {
        void trouble(String message);

        void recovered(String message);
    }

    /**
     * @param minReloadInterval at most one reload per interval; changes within it are coalesced
     * @param maxRetiringWorkers at most this many old workers still finishing: a reload, which retires the workers
     *     that accept now, waits until they fit (until none is left when there are more workers than this)
     * @param applyTimeout how long new workers have to answer with the new configuration's digest
     * @param refusalRetry how long an external nginx refused stays refused before it is tried again
     * @param logs how large nginx's error.log may grow before it is renamed and reopened, and the copies kept
     */
    public record Options(Duration minReloadInterval, int maxRetiringWorkers, Duration applyTimeout, Duration refusalRetry,
            LogLimits logs) {
        public Options(Duration minReloadInterval, int maxRetiringWorkers, Duration applyTimeout, Duration refusalRetry) {
            this(minReloadInterval, maxRetiringWorkers, applyTimeout, refusalRetry, LogLimits.DEFAULT);
        }

        public static Options defaults() {
            return new Options(Duration.ofMillis(100), 8, Duration.ofSeconds(5), Duration.ofSeconds(60));
        }

        /** How large nginx's error.log may grow before it is renamed and nginx reopens it, and the copies kept. */
        public Options withLogs(LogLimits limits) {
            return new Options(minReloadInterval, maxRetiringWorkers, applyTimeout, refusalRetry, limits);
        }
    }

    /** What nginx serves now; see {@code GatewayView} for the meaning of each field. */
    public record Status(String binary, String version, long appliedRoutesVersion, String appliedDigest, Instant appliedAt,
            long reloads, long lastApplyMs, int retiringWorkers, String lastError, Instant lastErrorAt, long memberUpdates) {}

    /** What nginx serves: the configuration (structure) and the instances its balancer holds (membership). */
    private record Applied(long routesVersion, Instant generatedAt, String digest, String membersDigest, Instant at) {}

    private record Refusal(Refused part, Instant since) {}

    private final Nginx nginx;
    private final NginxRenderer renderer;
    private final NginxSettings settings;
    private final Routes routes;
    private final Listener listener;
    private final Clock clock;
    private final Options options;
    private final String version;
    private final List<Refusal> refusals = new ArrayList<>();
    private volatile ProcessHandle master;
    private volatile Applied applied;
    private volatile long reloads;
    private volatile long memberUpdates;
    private volatile long lastApplyMs;
    private volatile String lastError;
    private volatile Instant lastErrorAt;
    private volatile boolean closed;
    private Instant lastAttempt = Instant.EPOCH;
    private Thread loop;

    private NginxGateway(Nginx nginx, NginxRenderer renderer, Routes routes, Listener listener, Clock clock, Options options) {
        this.nginx = nginx;
        this.renderer = renderer;
        this.settings = renderer.settings();
        this.routes = routes;
        this.listener = listener;
        this.clock = clock;
        this.options = options;
        this.version = nginx.version();
    }

    /**
     * Adopts the nginx already serving this directory or starts one, makes it serve the current
     * table, and follows the table from then on. Throws {@link GatewayException} when nginx cannot
     * serve it (a port taken, a configuration refused as a whole).
     */
    public static NginxGateway start(Nginx nginx, NginxRenderer renderer, Routes routes, Listener listener, Clock clock,
            Options options) {
        NginxGateway gateway = new NginxGateway(nginx, renderer, routes, listener, clock, options);
        Nginx.prepareDirectories(gateway.settings);
        gateway.master = nginx.master(gateway.settings).orElse(null);
        if (gateway.master != null) {
            LOG.info("adopted the running nginx (pid " + gateway.master.pid() + ")");
        }
        if (gateway.master == null || routes.made()) {
            if (!gateway.apply(routes.current())) {
                throw new GatewayException(gateway.lastError);
            }
        } else {
            LOG.info("the adopted nginx keeps its configuration until this control plane has made its route table");
        }
        gateway.loop = Thread.ofPlatform().daemon().name("apollo-nginx").start(gateway::follow);
        return gateway;
    }

    public NginxSettings settings() {
        return settings;
    }

    /** The nginx master it manages, when one runs. */
    public Optional<ProcessHandle> master() {
        return Optional.ofNullable(master).filter(Nginx::running);
    }

    public Status status() {
        Applied now = applied;
        ProcessHandle running = master;
        return new Status(nginx.binary().toString(), version, now == null ? 0 : now.routesVersion(),
                now == null ? "" : now.digest(), now == null ? null : now.at(), reloads, lastApplyMs,
                running == null || !Nginx.running(running) ? 0 : Nginx.retiringWorkers(running), lastError, lastErrorAt,
                memberUpdates);
    }

    /** The configuration for the current table, as nginx gets it (the parts it refused rendered as errors). */
    public NginxConfig currentConfig() {
        return configFor(routes.current());
    }

    /** The configuration for {@code table}, with the parts nginx refused rendered as errors. */
    public synchronized NginxConfig configFor(RouteTableView table) {
        return renderer.render(table, refusedParts());
    }

    /**
     * Whether nginx has let go of what was taken out of the table at {@code since}: it serves a
     * table made at or after that instant, or the newest table there is.
     */
    public boolean servesTableOf(Instant since) {
        Applied now = applied;
        return now != null && (!now.generatedAt().isBefore(since) || now.routesVersion() >= routes.current().version());
    }

    private void follow() {
        long seen = applied == null ? -1 : applied.routesVersion();
        while (!closed) {
            rotateLogs();
            try {
                RouteTableView next = routes.awaitNewer(seen, Duration.ofSeconds(1));
                if (!routes.made()) {
                    seen = next.version(); // the empty table of the start: never served in place of a real one
                    continue;
                }
                if (next.version() == seen && !dueForRetry()) {
                    continue;
                }
                // Coalesce: whatever changed until the next allowed reload goes out in one. A change of
                // instances alone needs no reload, so it goes out at once.
                Duration wait = Duration.between(clock.instant(), lastAttempt.plus(options.minReloadInterval()));
                if (!wait.isNegative() && needsReload(next)) {
                    Thread.sleep(wait.toMillis() + 1);
                }
                next = routes.current();
                seen = next.version();
                apply(next);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                trouble("nginx could not be updated: " + e.getMessage());
            }
        }
    }

    /**
     * Renames nginx's error.log once it has passed its limit and has nginx reopen it (SIGUSR1): until
     * then nginx keeps writing to the renamed file, and it writes each line with one call, so no line
     * is cut or lost. Checked about once a second, so a log may pass its limit by a second's worth.
     */
    synchronized void rotateLogs() {
        ProcessHandle running = master;
        if (running == null || !Nginx.running(running)) {
            return; // a master that starts later opens a new file itself
        }
        try {
            if (LogRotation.renameIfLarger(settings.errorLog(), options.logs())) {
                nginx.reopenLogs(running);
            }
        } catch (IOException | GatewayException e) {
            LOG.warning("cannot rotate " + settings.errorLog() + ": " + e.getMessage());
        }
    }

    private synchronized boolean dueForRetry() {
        Instant now = clock.instant();
        boolean expired = refusals.removeIf(r -> r.since().plus(options.refusalRetry()).isBefore(now));
        boolean masterGone = master == null || !Nginx.running(master);
        return expired || masterGone || lastError != null && lastAttempt.plus(RETRY_AFTER_ERROR).isBefore(now);
    }

    /** Whether serving {@code table} takes a reload: its configuration (not only its instances) differs from the served one. */
    private synchronized boolean needsReload(RouteTableView table) {
        Applied now = applied;
        try {
            return now == null || !configFor(table).digest().equals(now.digest());
        } catch (GatewayException e) {
            return true; // apply() reports it
        }
    }

    /**
     * Makes nginx serve {@code table}; true when it does afterwards. When only instances changed, they
     * are sent to the balancer and that is all. Otherwise the configuration is rendered, validated,
     * swapped and reloaded, the instances sent before the reload (so new workers have them from their
     * first request) and again after it.
     */
    synchronized boolean apply(RouteTableView table) {
        long started = System.nanoTime();
        lastAttempt = clock.instant();
        try {
            forgetRefusalsOfGoneExternals(table);
            Members members = renderer.members(table, NginxGateway::resolved);
            boolean running = master != null && Nginx.running(master);
            if (running && applied != null && applied.digest().equals(renderer.render(table, refusedParts()).digest())) {
                if (!members.digest().equals(applied.membersDigest()) || !members.digest().equals(Nginx.servedMembers(settings))) {
                    Nginx.sendMembers(settings, members);
                    memberUpdates++;
                    LOG.fine(() -> "nginx routes to the instances of route table " + table.version() + " after "
                            + (System.nanoTime() - started) / 1_000_000 + " ms, without a reload");
                }
                applied = new Applied(table.version(), table.generatedAt(), applied.digest(), members.digest(), clock.instant());
                recovered(table, applied.digest());
                return true;
            }
            Optional<NginxConfig> valid = validated(table);
            long validatedAt = System.nanoTime();
            if (valid.isEmpty()) {
                return false;
            }
            NginxConfig config = valid.get();
            Set<Long> previousWorkers = Set.of();
            boolean reloaded = false;
            if (running) {
                awaitRetiringWorkers();
                sendMembersBestEffort(members);
                Files.move(next(), settings.configFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                if (!config.digest().equals(Nginx.served(settings))) { // an adopted nginx may serve it already
                    previousWorkers = Nginx.acceptingWorkers(master);
                    nginx.reload(master);
                    reloaded = true;
                }
            } else {
                if (master != null) {
                    trouble("nginx (pid " + master.pid() + ") is gone; starting a new one");
                }
                Files.move(next(), settings.configFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                master = nginx.start(settings);
            }
            if (!awaitServed(config.digest(), previousWorkers)) {
                trouble("nginx did not take the new configuration within " + options.applyTimeout().toSeconds() + " s; see "
                        + settings.errorLog());
                return false;
            }
            if (!members.digest().equals(Nginx.servedMembers(settings))) {
                Nginx.sendMembers(settings, members);
                memberUpdates++;
            }
            applied = new Applied(table.version(), table.generatedAt(), config.digest(), members.digest(), clock.instant());
            if (reloaded) {
                reloads++;
            }
            long done = System.nanoTime();
            lastApplyMs = (done - started) / 1_000_000;
            LOG.info("nginx serves route table " + table.version() + " (config " + config.digest().substring(0, 12) + ") after "
                    + lastApplyMs + " ms: rendered and validated in " + (validatedAt - started) / 1_000_000
                    + " ms, " + (reloaded ? "reloaded" : "started or adopted") + " and answering in "
                    + (done - validatedAt) / 1_000_000 + " ms");
            recovered(table, config.digest());
            return true;
        } catch (IOException e) {
            trouble("cannot write " + settings.configFile() + ": " + e.getMessage());
            return false;
        } catch (GatewayException e) {
            trouble(e.getMessage());
            return false;
        }
    }

    /**
     * An instance's HOST:PORT as IP:PORT, which is all nginx's balancer takes (the local scheduler gives
     * addresses already; a Swarm node may be named). A name that does not resolve stays: nginx answers
     * 502 for it and says why in its error log.
     */
    static String resolved(String address) {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, Math.max(colon, 0));
        if (colon < 0 || host.startsWith("[") || host.chars().allMatch(ch -> ch == '.' || Character.isDigit(ch))) {
            return address;
        }
        try {
            java.net.InetAddress ip = java.net.InetAddress.getByName(host);
            String literal = ip.getHostAddress();
            return (ip instanceof java.net.Inet6Address ? "[" + literal + "]" : literal) + address.substring(colon);
        } catch (java.net.UnknownHostException e) {
            LOG.warning("instance address " + address + ": " + host + " does not resolve; nginx cannot route to it");
            return address;
        }
    }

    /** Before a reload: an nginx of an older configuration may not take instances yet; after the reload it must. */
    private void sendMembersBestEffort(Members members) {
        try {
            Nginx.sendMembers(settings, members);
        } catch (GatewayException e) {
            LOG.fine(() -> "nginx did not take the instances before the reload: " + e.getMessage());
        }
    }

    /**
     * The configuration for the table that {@code nginx -t} accepts, written to {@link #next()}; parts
     * of externals that nginx refuses are rendered as errors instead. Empty when nginx refuses the
     * configuration itself: the last good one stays.
     */
    private Optional<NginxConfig> validated(RouteTableView table) throws IOException {
        for (int attempt = 0; attempt <= MAX_REFUSED_PARTS; attempt++) {
            NginxConfig config = renderer.render(table, refusedParts());
            Files.writeString(next(), config.text());
            Nginx.Validation validation = nginx.test(next(), settings);
            if (validation.valid()) {
                return Optional.of(config);
            }
            Optional<Refused> culprit = config.partAt(validation.line()).flatMap(part -> refusable(part, table, validation.message()));
            if (culprit.isEmpty()) {
                Files.deleteIfExists(next());
                trouble("nginx refused the configuration for route table " + table.version() + ": " + validation.message()
                        + "; the previous configuration keeps serving");
                return Optional.empty();
            }
            refusals.add(new Refusal(culprit.get(), clock.instant()));
            trouble("nginx refused external " + culprit.get().external() + " of " + culprit.get().environment() + " ("
                    + culprit.get().url() + "): " + validation.message() + "; it answers 502 until its URL changes "
                    + "(apollo external add " + culprit.get().external() + " URL -e " + culprit.get().environment()
                    + "), everything else is applied");
        }
        trouble("nginx refused more than " + MAX_REFUSED_PARTS + " parts of route table " + table.version()
                + "; the previous configuration keeps serving");
        return Optional.empty();
    }

    /** An external whose URL changed, or that is gone, is tried again (or forgotten). */
    private void forgetRefusalsOfGoneExternals(RouteTableView table) {
        refusals.removeIf(r -> table.environments().stream().noneMatch(env -> env.name().equals(r.part().environment())
                && env.externals() != null && env.externals().stream().anyMatch(x -> x.name().equals(r.part().external())
                        && x.url().equals(r.part().url()))));
    }

    private void recovered(RouteTableView table, String digest) {
        if (lastError != null && refusals.isEmpty()) {
            lastError = null;
            lastErrorAt = null;
            listener.recovered("nginx serves route table " + table.version() + " (config " + digest.substring(0, 12)
                    + "); nothing is refused any more");
        }
    }

    private static Optional<Refused> refusable(Part part, RouteTableView table, String reason) {
        if (part.external().isEmpty()) {
            return Optional.empty();
        }
        return table.environments().stream()
                .filter(env -> env.name().equals(part.environment()) && env.externals() != null)
                .flatMap(env -> env.externals().stream())
                .filter(x -> x.name().equals(part.external()))
                .findFirst()
                .map(x -> new Refused(part.environment(), x.name(), x.url(), reason));
    }

    private List<Refused> refusedParts() {
        return refusals.stream().map(Refusal::part).toList();
    }

    private void awaitRetiringWorkers() {
        long deadline = System.nanoTime() + settings.workerShutdownTimeout().plusSeconds(1).toNanos();
        // The reload retires every worker that accepts now: the old ones must leave room for them.
        int before = Math.max(0, options.maxRetiringWorkers() - settings.workers());
        while (Nginx.retiringWorkers(master) > before && System.nanoTime() < deadline) {
            Nginx.pause(20); // old workers exit when their last request ends, or at worker_shutdown_timeout
        }
    }

    /**
     * Waits until new workers answer with {@code digest} and none of the previous workers accepts
     * requests any more: until then a request may still meet the old configuration.
     */
    private boolean awaitServed(String digest, Set<Long> previousWorkers) {
        long deadline = System.nanoTime() + options.applyTimeout().toNanos();
        while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
            if (digest.equals(Nginx.served(settings))
                    && !Nginx.anyAccepting(previousWorkers)) {
                return true;
            }
            Nginx.pause(2); // new workers are forking; nginx tells no one when they accept
        }
        return false;
    }

    private void trouble(String message) {
        if (!message.equals(lastError)) {
            LOG.warning(message);
            listener.trouble(message);
        }
        lastError = message;
        lastErrorAt = clock.instant();
    }

    private Path next() {
        return settings.directory().resolve("nginx.conf.next");
    }

    /** {@code apollo down}: nginx finishes the requests it serves, then exits. */
    public void stop(Duration grace) {
        close();
        ProcessHandle running = master;
        if (running != null && Nginx.running(running)) {
            Nginx.stop(running, grace);
        }
    }

    /** Stops following the table; nginx keeps serving the last configuration, for the next control plane to adopt. */
    @Override
    public void close() {
        closed = true;
        if (loop != null) {
            loop.interrupt();
            try {
                loop.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
