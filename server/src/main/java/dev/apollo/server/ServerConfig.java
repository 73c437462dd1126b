package dev.apollo.server;

import dev.apollo.core.ApolloException;
import dev.apollo.process.LogLimits;
import dev.apollo.server.http.ApiLimits;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a control plane runs. Every field has a default suited to one machine.
 *
 * @param listen where the REST API listens; port 0 picks a free one (written to server.json)
 * @param maxInstances the most instances one deploy or scale may ask for
 * @param stopGrace how long an instance has between SIGTERM and SIGKILL
 * @param deployTimeout a deploy's default deadline
 * @param defaultMemoryMb an instance's default heap cap
 * @param mavenRemote a remote Maven repository for artifacts given as group:artifact:version
 * @param rpc where the RPC gateway listens (HOST:PORT, port 0 for any); instances get its address as RPC_INT
 * @param drainDelay how long an instance is out of the route table before it is stopped
 * @param rollbackWindow how long a replaced release is kept warm for an instant rollback (0 disables)
 * @param gateway where the web gateway listens (HOST:PORT, port 0 for any), or empty for none
 * @param domain the web domain: {@code domain} is production, {@code E.domain} environment E
 * @param gatewayKind which gateway serves web and RPC traffic
 * @param nginx the nginx binary of an nginx gateway; empty: the one on PATH
 * @param scheduler where instances run ({@link Backends})
 * @param store where desired state, history and events are kept ({@link Backends})
 * @param logs how large each log the platform writes itself (server.log, gateway.log, nginx's error.log) may grow, and
 *     how many rotated copies are kept
 * @param storePasswordFile a file holding the password of a {@code postgresql://} store; empty: the
 *     {@code APOLLO_STORE_PASSWORD} variable, else none (never a flag's value: process lists show those)
 * @param lease how long the leadership of control planes sharing a {@code postgresql://} store lasts
 *     unless renewed: the most a standby waits after the leader dies
 * @param apiLimits what one API client may hold: timeouts and the connection cap
 * @param advertise where the other control planes of a shared store reach this one; empty: its
 *     {@code listen} address as it is bound
 */
public record ServerConfig(
        Path home,
        InetSocketAddress listen,
        int maxInstances,
        Duration stopGrace,
        Duration deployTimeout,
        int defaultMemoryMb,
        Optional<URI> mavenRemote,
        String rpc,
        Duration drainDelay,
        Duration rollbackWindow,
        Optional<String> gateway,
        String domain,
        GatewayKind gatewayKind,
        Optional<Path> nginx,
        Backends.SchedulerChoice scheduler,
        Backends.StoreChoice store,
        LogLimits logs,
        Optional<Path> storePasswordFile,
        Duration lease,
        ApiLimits apiLimits,
        Optional<AdvertisedAddress> advertise) {

    public static final int DEFAULT_PORT = 7700;
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(5);

    /** Apollo's own Vert.x gateway (the default), or a real nginx whose configuration Apollo renders. */
    public enum GatewayKind {
        EMBEDDED, NGINX;

        static GatewayKind parse(String value) {
            return switch (value) {
                case "embedded" -> EMBEDDED;
                case "nginx" -> NGINX;
                default -> throw new ApolloException.Invalid("gateway '" + value + "': expected embedded or nginx.");
            };
        }

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ServerConfig {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(gatewayKind, "gatewayKind");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(logs, "logs");
        Objects.requireNonNull(storePasswordFile, "storePasswordFile");
        Objects.requireNonNull(lease, "lease");
        if (lease.toMillis() < 500) {
            throw new ApolloException.Invalid("lease: " + lease.toMillis() + " ms (expected: >= 500 ms)");
        }
        Objects.requireNonNull(apiLimits, "apiLimits");
        Objects.requireNonNull(advertise, "advertise");
        if (maxInstances < 1) {
            throw new ApolloException.Invalid("max instances: " + maxInstances + " (expected: >= 1)");
        }
    }

    public static ServerConfig defaults(Path home) {
        return new ServerConfig(home, new InetSocketAddress("127.0.0.1", DEFAULT_PORT), 200, Duration.ofSeconds(10),
                Duration.ofSeconds(120), 128, Optional.empty(), "127.0.0.1:9090", Duration.ofSeconds(1),
                Duration.ofMinutes(5), Optional.of("127.0.0.1:8080"), "apollo.localhost", GatewayKind.EMBEDDED, Optional.empty(),
                Backends.DEFAULT_SCHEDULER, Backends.DEFAULT_STORE, LogLimits.DEFAULT, Optional.empty(), DEFAULT_LEASE,
                ApiLimits.DEFAULT, Optional.empty());
    }

    Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * A config changed field by field, each starting at the config's value: ServerMain sets one per
     * flag, in the order the flags come. Plain fields, as setters would only repeat them.
     */
    static final class Builder {
        Path home;
        InetSocketAddress listen;
        int maxInstances;
        Duration stopGrace;
        Duration deployTimeout;
        int defaultMemoryMb;
        Optional<URI> mavenRemote;
        String rpc;
        Duration drainDelay;
        Duration rollbackWindow;
        Optional<String> gateway;
        String domain;
        GatewayKind gatewayKind;
        Optional<Path> nginx;
        Backends.SchedulerChoice scheduler;
        Backends.StoreChoice store;
        LogLimits logs;
        Optional<Path> storePasswordFile;
        Duration lease;
        ApiLimits apiLimits;
        Optional<AdvertisedAddress> advertise;

        private Builder(ServerConfig c) {
            home = c.home;
            listen = c.listen;
            maxInstances = c.maxInstances;
            stopGrace = c.stopGrace;
            deployTimeout = c.deployTimeout;
            defaultMemoryMb = c.defaultMemoryMb;
            mavenRemote = c.mavenRemote;
            rpc = c.rpc;
            drainDelay = c.drainDelay;
            rollbackWindow = c.rollbackWindow;
            gateway = c.gateway;
            domain = c.domain;
            gatewayKind = c.gatewayKind;
            nginx = c.nginx;
            scheduler = c.scheduler;
            store = c.store;
            logs = c.logs;
            storePasswordFile = c.storePasswordFile;
            lease = c.lease;
            apiLimits = c.apiLimits;
            advertise = c.advertise;
        }

        ServerConfig build() {
            return new ServerConfig(home, listen, maxInstances, stopGrace, deployTimeout, defaultMemoryMb, mavenRemote, rpc,
                    drainDelay, rollbackWindow, gateway, domain, gatewayKind, nginx, scheduler, store, logs,
                    storePasswordFile, lease, apiLimits, advertise);
        }
    }
}
