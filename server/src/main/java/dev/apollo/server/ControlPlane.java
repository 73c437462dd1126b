package dev.apollo.server;

import dev.apollo.api.Views.LeadershipView;
import dev.apollo.api.Views.ServerInfo;
import dev.apollo.artifacts.FileArtifactStore;
import dev.apollo.core.ApolloException;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.Event;
import dev.apollo.core.model.EventType;
import dev.apollo.core.port.ArtifactStore;
import dev.apollo.core.port.Scheduler;
import dev.apollo.core.port.Store;
import dev.apollo.gateway.nginx.NginxRenderer;
import dev.apollo.process.Machine;
import dev.apollo.routing.RouteSubscription;
import dev.apollo.server.control.Controller;
import dev.apollo.server.control.EventBus;
import dev.apollo.server.control.RouteFeed;
import dev.apollo.server.control.TrafficSync;
import dev.apollo.server.http.ApiServer;
import dev.apollo.server.probe.LocalProbes;
import dev.apollo.server.secrets.SecretBox;
import dev.apollo.server.secrets.SecretVault;
import dev.apollo.store.postgres.PostgresLeadership;
import dev.apollo.store.postgres.PostgresStore;
import java.net.InetAddress;
import java.nio.file.Path;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;

/** Wires one control plane together: data dir, store, scheduler, artifacts, controller, API. */
public final class ControlPlane implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ControlPlane.class.getName());
    public static final String VERSION = "0.1.0";

    private final ServerConfig config;
    private final DataDir dataDir;
    private final Store store;
    private final Scheduler scheduler;
    private final Controller controller;
    private final ApiServer api;
    private final Instant startedAt;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Optional<Front> gateway;
    private final EventBus events;
    private final Optional<PostgresLeadership> sharedLeadership;
    private final Election election;
    private final Optional<SharedScheduler> sharedScheduler;
    private final RouteFeed routes;
    /** Between winning a term and the controller's start: see {@link #takeOver()}. */
    private volatile boolean taking;
    private final Optional<SharedArtifacts> sharedArtifacts;
    private final FileArtifactStore.Options artifactOptions;
    private final Clock clock;
    private volatile Optional<PeerList> peers = Optional.empty();
    /** A standby's nginx follows the leader's table through this; closed when this control plane leads. */
    private volatile Optional<RouteSubscription> leaderRoutes = Optional.empty();
    /** This process among the control planes sharing a store. */
    private final String id;

    private ControlPlane(ServerConfig config) {
        Clock clock = Clock.systemUTC();
        this.config = config;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.dataDir = DataDir.open(config.home());
        this.store = Backends.openStore(config.store(), dataDir, clock, config.storePasswordFile());
        String id = controlPlaneId();
        this.id = id;
        // Attached before anything can write: from here on, a shared store takes writes only from the leader.
        this.sharedLeadership = store instanceof PostgresStore shared
                ? Optional.of(PostgresLeadership.of(shared, id, "http://" + config.listen().getHostString() + ":"
                        + config.listen().getPort(), Election.term(config.lease())))
                : Optional.empty();
        // A standby opens no scheduler: it would adopt, or kill as strays, what the leader runs.
        this.sharedScheduler = sharedLeadership.map(l -> new SharedScheduler(config.scheduler(), dataDir.root(), l,
                Machine.current()));
        this.scheduler = sharedScheduler.isPresent() ? sharedScheduler.get()
                : Backends.openScheduler(config.scheduler(), dataDir);
        FileArtifactStore.Options artifactOptions = FileArtifactStore.Options.defaults();
        if (config.mavenRemote().isPresent()) {
            artifactOptions = artifactOptions.withRemoteRepository(config.mavenRemote().get());
        }
        this.artifactOptions = artifactOptions;
        ArtifactStore own = FileArtifactStore.open(dataDir.artifacts(), artifactOptions);
        this.sharedArtifacts = sharedScheduler.map(s -> new SharedArtifacts(own));
        ArtifactStore artifacts = sharedArtifacts.<ArtifactStore>map(a -> a).orElse(own);
        EventBus events = new EventBus(store);
        this.events = events;
        RouteFeed routes = new RouteFeed(clock);
        this.routes = routes;
        // The gateway comes first: instances are told its real RPC address (the port may have been 0).
        this.gateway = config.gateway().map(web -> front(config, routes, events, clock));
        String rpc = gateway.map(Front::rpcAddress).filter(a -> !a.isEmpty()).orElse(config.rpc());
        this.controller = new Controller(store, scheduler, artifacts, events, routes, new LocalProbes(),
                new SecretVault(store, SecretBox.open(dataDir.root().resolve("secret.key"))), clock,
                new Controller.Settings(
                config.stopGrace(), URI.create("http://" + rpc), config.drainDelay(), config.rollbackWindow(),
                config.deployTimeout(), gateway.map(Front::trafficSync).orElse(TrafficSync.IMMEDIATE)));
        dataDir.makePrivate();
        this.api = new ApiServer(new ApiServer.Parts(config, dataDir.token(), controller, store, scheduler, artifacts, events,
                routes, clock, this::info, this::shutdown, gateway.orElse(null), new ApiServer.Standing() {
                    @Override
                    public Optional<ApolloException.NotLeader> standingBy() {
                        return election.standingBy();
                    }

                    @Override
                    public LeadershipView view() {
                        return election.view();
                    }

                    @Override
                    public boolean leads() {
                        return election.mode() == Election.Mode.SOLO || election.mode() == Election.Mode.LEADER;
                    }
                }));
        this.election = sharedLeadership
                .map(l -> Election.shared(l, id, config.lease(), this::lead, this::stepDown))
                .orElseGet(() -> Election.solo(id, this::lead));
        // A command that ran before the controller loaded this term's desired state would act on an empty one
        // (and publish a route table without releases): until then, even a leader refuses.
        controller.actOnlyWhile(() -> taking ? Optional.of(new ApolloException.NotLeader("This control plane has just"
                + " begun leading and is taking over the instances; try again in a second.", "")) : election.authority());
    }

    /** Starts this term's work: reads what the previous leader left (desired state, events) and runs the loop. */
    private void lead() {
        if (sharedScheduler.isEmpty()) {
            events.refresh();
            controller.start();
            awaitFirstRouteTable();
            return;
        }
        // Off the election's thread, which must go on renewing the lease: opening the instances may wait
        // for an ex-leader on this machine to let go of them.
        taking = true;
        Thread.ofPlatform().name("apollo-takeover").daemon(true).start(this::takeOver);
    }

    /**
     * The route API answers 503 until the controller's first tick made a table (a gateway must never get the
     * empty table of the start); a solo control plane waits for that tick before its API opens, as before.
     */
    private void awaitFirstRouteTable() {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!routes.published() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
        }
    }

    /** A shared store's new leader: the previous leader's events and instances first, then the loop. */
    private void takeOver() {
        try {
            // Its controller makes the table from here on (RouteFeed.mirror would ignore the leader's anyway).
            leaderRoutes.ifPresent(RouteSubscription::close);
            events.refresh();
            SharedScheduler shared = sharedScheduler.orElseThrow();
            String found = shared.open(() -> election.authority().isEmpty());
            if (!sameDirectory(shared.home(), dataDir.root())) {
                // Releases are resolved by name whenever an instance starts: read them where they were pushed.
                sharedArtifacts.orElseThrow().use(FileArtifactStore.open(shared.home().resolve("artifacts"), artifactOptions));
            }
            LeadershipView term = election.view();
            events.publish(Event.about(clock.instant(), EventType.LEADER_ELECTED, EnvironmentName.PRODUCTION,
                    Optional.empty(), "control plane " + term.id() + " at " + advertisedUrl() + " leads (epoch " + term.epoch() + "); it "
                    + found + "."));
            controller.start(); // its first job is loading the desired state: every command comes after it
            taking = false;
        } catch (RuntimeException e) {
            LOG.severe("this control plane won the leadership but could not take over the instances: " + e.getMessage()
                    + "; it does not act this term");
        }
    }

    private static boolean sameDirectory(Path a, Path b) {
        try {
            return java.nio.file.Files.isSameFile(a, b);
        } catch (java.io.IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    /**
     * A term that is over: let go of the instances, so the new leader on this machine can open them; an nginx
     * managed from here serves the new leader's table from now on, as a standby's does, not this term's last one.
     */
    private void stepDown() {
        sharedScheduler.ifPresent(SharedScheduler::close);
        if (config.gateway().isPresent() && config.gatewayKind() == ServerConfig.GatewayKind.NGINX) {
            routes.handOver();
            followLeaderRoutes();
        }
    }

    /** Unique per process: a restarted control plane is a new candidate and never renews its predecessor's lease. */
    private static String controlPlaneId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().toHexDigits((short) new SecureRandom().nextInt());
    }

    /** The configured kind of gateway; one of the other kind left running by an earlier start gives way first. */
    private static Front front(ServerConfig config, RouteFeed routes, EventBus events, Clock clock) {
        return switch (config.gatewayKind()) {
            case NGINX -> {
                GatewaySupervisor.stopLeftover(config.home());
                yield NginxFront.start(config, routes, events, clock);
            }
            case EMBEDDED -> {
                NginxFront.stopLeftover(config);
                GatewaySupervisor process = GatewaySupervisor.start(config.home(), config.gateway().orElseThrow(), config.rpc(),
                        config.domain(), new GatewaySupervisor.Listener() {
                            @Override
                            public void trouble(String message) {
                                events.publish(Event.about(clock.instant(), EventType.GATEWAY_ERROR, EnvironmentName.PRODUCTION,
                                        Optional.empty(), message));
                            }

                            @Override
                            public void recovered(String message) {
                                events.publish(Event.about(clock.instant(), EventType.GATEWAY_RECOVERED,
                                        EnvironmentName.PRODUCTION, Optional.empty(), message));
                            }
                        }, clock, config.logs());
                yield new EmbeddedFront(process, routes,
                        new NginxRenderer(NginxFront.settings(config, process.webAddress(), Optional.of(process.rpcAddress()))));
            }
        };
    }

    /** Starts everything and announces the API address in the data dir. */
    public static ControlPlane start(ServerConfig config) {
        ControlPlane plane = new ControlPlane(config);
        plane.sharedScheduler.ifPresent(shared -> {
            int stopped = shared.sweepLeftovers(config.stopGrace());
            if (stopped > 0) {
                LOG.warning("stopped " + stopped + " instances an earlier term of this control plane left in its data dir");
            }
        });
        if (plane.sharedLeadership.isEmpty()) {
            plane.election.start(); // solo: leads at once, before the API answers, as always
        }
        plane.api.start();
        plane.sharedLeadership.ifPresent(l -> {
            l.advertise(plane.advertisedUrl());
            if (config.gateway().isPresent() && config.gatewayKind() == ServerConfig.GatewayKind.NGINX) {
                plane.followLeaderRoutes(); // before campaigning: a term won at once closes it again
            }
            plane.election.start();
            PeerList peers = new PeerList(l, plane.id, plane.advertisedUrl(), plane.dataDir::recordPeers);
            plane.peers = Optional.of(peers);
            peers.start();
        });
        if (plane.sharedLeadership.isEmpty()) {
            plane.dataDir.forgetPeers();
        }
        // The gateway, started before, finds the control plane through server.json as soon as it appears.
        plane.dataDir.announce(plane.url(), ProcessHandle.current().pid(), plane.startedAt.toString());
        return plane;
    }

    /**
     * The nginx gateway is managed from inside its control plane, from the route feed, which a standby's controller
     * does not fill: a standby fills it from the leader's route stream instead, found as the embedded gateway finds
     * it (its own API answers with the leader's address), so its nginx serves the leader's table.
     */
    private void followLeaderRoutes() {
        RouteSubscription subscription = new RouteSubscription(() -> List.of(URI.create(url())),
                Optional.of(dataDir.root().resolve("token")), routes::mirror,
                message -> LOG.info("nginx gateway of this standby: " + message));
        leaderRoutes = Optional.of(subscription);
        subscription.start();
    }

    public String url() {
        return "http://" + api.address().getHostString() + ":" + api.address().getPort();
    }

    /** Where the other control planes of a shared store, and the CLIs and gateways they send, reach this one. */
    public String advertisedUrl() {
        return config.advertise().map(a -> a.url(api.address().getPort())).orElseGet(this::url);
    }

    private ServerInfo info() {
        return new ServerInfo(VERSION, ProcessHandle.current().pid(), dataDir.root().toString(), startedAt, url(),
                (int) controller.snapshot().running(), gateway.map(Front::webAddress).orElse(null),
                gateway.map(Front::rpcAddress).orElse(null));
    }

    /** `apollo down`: stop every instance, wait for them, then stop the control plane itself. */
    private void shutdown() {
        if (election.mode() != Election.Mode.SOLO && election.mode() != Election.Mode.LEADER) {
            LOG.info("shutdown: this control plane does not lead; it stops with its gateway, and the instances stay with"
                    + " the leader");
            // The gateway is this host's, not the term's: down takes it down too (a leader's stops at the end, below).
            gateway.ifPresent(g -> g.stop(Duration.ofSeconds(5)));
            // Give the 202 a moment to reach the caller before the API closes.
            LockSupport.parkNanos(Duration.ofMillis(300).toNanos());
            close();
            return;
        }
        try {
            int asked = controller.stopEverything();
            LOG.info("shutdown: asked " + asked + " instances to stop");
            boolean clean = controller.awaitNoInstances(config.stopGrace().plus(Duration.ofSeconds(5)));
            if (!clean) {
                LOG.warning("shutdown: some instances were still running at the deadline");
            } else if (!scheduler.awaitRetired(Duration.ofSeconds(15))) {
                LOG.warning("shutdown: the scheduler still kept retired releases (an engine's services) at the deadline");
            }
            gateway.ifPresent(g -> g.stop(Duration.ofSeconds(5)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close();
        }
    }

    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** Stops the control plane only: instances keep running and the next control plane adopts them. */
    @Override
    public void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        api.close();
        controller.close();
        leaderRoutes.ifPresent(RouteSubscription::close);
        peers.ifPresent(PeerList::close);
        election.close();
        gateway.ifPresent(Front::close);
        scheduler.close();
        store.close();
        dataDir.withdraw();
        dataDir.close();
        stopped.countDown();
    }
}
