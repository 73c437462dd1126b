package dev.apollo.gateway;

import dev.apollo.process.LogLimits;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** How a gateway listens, where its routes come from, and where it reports. Build with {@link #builder()}. */
public final class GatewayConfig {
    private final URI control;
    private final Path controlFile;
    private final Path peersFile;
    private final Path tokenFile;
    private final String webHost;
    private final int webPort;
    private final String domain;
    private final boolean rpcEnabled;
    private final String rpcHost;
    private final int rpcPort;
    private final String rpcSuffix;
    private final Duration externalTimeout;
    private final Path stateFile;
    private final Path routesCache;
    private final int eventLoops;
    private final Duration backendTimeout;
    private final Duration connectTimeout;
    private final int poolSizePerBackend;
    private final Duration ejection;
    private final LogLimits logs;
    private final boolean sharedPorts;
    private final Path servingLock;
    private final Path handOff;
    private final Path handOffFrom;

    private GatewayConfig(Builder b) {
        control = b.control;
        controlFile = b.controlFile;
        peersFile = b.peersFile;
        tokenFile = b.tokenFile;
        webHost = b.webHost;
        webPort = b.webPort;
        domain = b.domain;
        rpcEnabled = b.rpcEnabled;
        rpcHost = b.rpcHost;
        rpcPort = b.rpcPort;
        rpcSuffix = b.rpcSuffix;
        externalTimeout = b.externalTimeout;
        stateFile = b.stateFile;
        routesCache = b.routesCache;
        eventLoops = b.eventLoops;
        backendTimeout = b.backendTimeout;
        connectTimeout = b.connectTimeout;
        poolSizePerBackend = b.poolSizePerBackend;
        ejection = b.ejection;
        logs = b.logs;
        sharedPorts = b.sharedPorts;
        servingLock = b.servingLock;
        handOff = b.handOff;
        handOffFrom = b.handOffFrom;
    }

    /** How large its own log (its standard output, when that is a file: gateway.log) may grow, and the copies kept. */
    public LogLimits logs() {
        return logs;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The control plane's {@code server.json}, read for its {@code url} before every connection, so a
     * control plane restarted on another port is found again.
     */
    public Optional<Path> controlFile() {
        return Optional.ofNullable(controlFile);
    }

    /**
     * The control plane's {@code peers.json}: the other control planes sharing its store, read before every
     * connection and asked in turn when the gateway's own control plane does not answer.
     */
    public Optional<Path> peersFile() {
        return Optional.ofNullable(peersFile);
    }

    /** The control plane's base URL; empty: routes come only from {@link Gateway#apply} and the cache. */
    public Optional<URI> control() {
        return Optional.ofNullable(control);
    }

    public Optional<Path> tokenFile() {
        return Optional.ofNullable(tokenFile);
    }

    public String webHost() {
        return webHost;
    }

    /** 0: any free port (see {@link Gateway#webPort()}). */
    public int webPort() {
        return webPort;
    }

    public String domain() {
        return domain;
    }

    /** Whether the RPC listener runs ({@code --rpc none} turns it off). */
    public boolean rpcEnabled() {
        return rpcEnabled;
    }

    public String rpcHost() {
        return rpcHost;
    }

    /** 0: any free port (see {@link Gateway#rpcPort()}). */
    public int rpcPort() {
        return rpcPort;
    }

    /** RPC Host {@code S} is production, {@code E.S} environment E (default rpc.int). */
    public String rpcSuffix() {
        return rpcSuffix;
    }

    /** How long an external may stay silent (before or during its response) before the caller gets a 504. */
    public Duration externalTimeout() {
        return externalTimeout;
    }

    public Optional<Path> stateFile() {
        return Optional.ofNullable(stateFile);
    }

    public Optional<Path> routesCache() {
        return Optional.ofNullable(routesCache);
    }

    public int eventLoops() {
        return eventLoops;
    }

    /** How long a backend may stay silent (before or during its response) before the client gets a 504. */
    public Duration backendTimeout() {
        return backendTimeout;
    }

    /** How long opening a connection may take, to a backend or to an external. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * How many idle keep-alive connections each event loop keeps to one backend (or external); a request that
     * finds none idle opens a new one, as nginx does, so this bounds what is kept, not what is used.
     */
    public int poolSizePerBackend() {
        return poolSizePerBackend;
    }

    /** How long a backend that refused a connection is skipped. */
    public Duration ejection() {
        return ejection;
    }

    /**
     * Whether its ports may be shared with other gateway processes (SO_REUSEPORT, where the native
     * transport offers it): the control plane runs two on the same ports and checks itself that no
     * one else holds them. Off by default, so a port taken by anyone is an error.
     */
    public boolean sharedPorts() {
        return sharedPorts;
    }

    /**
     * Of the gateway processes naming this file, only the one holding its lock serves; the others
     * stand by and the first to get the lock takes over. Absent: it serves at once.
     */
    public Optional<Path> servingLock() {
        return Optional.ofNullable(servingLock);
    }

    /** A Unix socket where it offers its listening sockets to a gateway process that starts beside it. */
    public Optional<Path> handOff() {
        return Optional.ofNullable(handOff);
    }

    /** The other process's {@link #handOff()}: where it takes listening sockets from at start, if that one runs. */
    public Optional<Path> handOffFrom() {
        return Optional.ofNullable(handOffFrom);
    }

    public static final class Builder {
        private URI control;
        private Path controlFile;
        private Path peersFile;
        private Path tokenFile;
        private String webHost = "127.0.0.1";
        private int webPort = 8080;
        private String domain = "apollo.localhost";
        private boolean rpcEnabled = true;
        private String rpcHost = "127.0.0.1";
        private int rpcPort = 9090;
        private String rpcSuffix = "rpc.int";
        private Duration externalTimeout = Duration.ofSeconds(30);
        private Path stateFile;
        private Path routesCache;
        private int eventLoops = Runtime.getRuntime().availableProcessors();
        private Duration backendTimeout = Duration.ofSeconds(60);
        private Duration connectTimeout = Duration.ofSeconds(2);
        private int poolSizePerBackend = 64;
        private Duration ejection = Duration.ofSeconds(5);
        private LogLimits logs = LogLimits.DEFAULT;
        private boolean sharedPorts;
        private Path servingLock;
        private Path handOff;
        private Path handOffFrom;

        private Builder() {}

        /** See {@link GatewayConfig#servingLock()}. */
        public Builder servingLock(Path file) {
            this.servingLock = Objects.requireNonNull(file, "servingLock");
            return this;
        }

        /** See {@link GatewayConfig#handOff()}. */
        public Builder handOff(Path socket) {
            this.handOff = Objects.requireNonNull(socket, "handOff").toAbsolutePath();
            return this;
        }

        /** See {@link GatewayConfig#handOffFrom()}. */
        public Builder handOffFrom(Path socket) {
            this.handOffFrom = Objects.requireNonNull(socket, "handOffFrom").toAbsolutePath();
            return this;
        }

        /** See {@link GatewayConfig#sharedPorts()}. */
        public Builder sharedPorts(boolean shared) {
            this.sharedPorts = shared;
            return this;
        }

        public Builder control(URI control) {
            String scheme = Objects.requireNonNull(control, "control").getScheme();
            if (!"http".equals(scheme) && !"https".equals(scheme)) {
                throw new IllegalArgumentException("control: " + control + " (expected: an http:// or https:// URL)");
            }
            this.control = control;
            return this;
        }

        public Builder controlFile(Path controlFile) {
            this.controlFile = Objects.requireNonNull(controlFile, "controlFile");
            return this;
        }

        public Builder peersFile(Path peersFile) {
            this.peersFile = Objects.requireNonNull(peersFile, "peersFile");
            return this;
        }

        public Builder tokenFile(Path tokenFile) {
            this.tokenFile = Objects.requireNonNull(tokenFile, "tokenFile");
            return this;
        }

        public Builder web(String host, int port) {
            checkListen("web", host, port);
            this.webHost = host;
            this.webPort = port;
            return this;
        }

        public Builder rpc(String host, int port) {
            checkListen("rpc", host, port);
            this.rpcEnabled = true;
            this.rpcHost = host;
            this.rpcPort = port;
            return this;
        }

        /** No RPC listener. */
        public Builder noRpc() {
            this.rpcEnabled = false;
            return this;
        }

        public Builder rpcSuffix(String suffix) {
            if (Objects.requireNonNull(suffix, "suffix").isBlank() || suffix.startsWith(".")) {
                throw new IllegalArgumentException("rpc suffix: '" + suffix + "' (expected: a domain like rpc.int)");
            }
            this.rpcSuffix = suffix;
            return this;
        }

        public Builder externalTimeout(Duration timeout) {
            this.externalTimeout = positive("externalTimeout", timeout);
            return this;
        }

        public Builder domain(String domain) {
            if (Objects.requireNonNull(domain, "domain").isBlank() || domain.startsWith(".")) {
                throw new IllegalArgumentException("domain: '" + domain + "' (expected: a domain like apollo.localhost)");
            }
            this.domain = domain;
            return this;
        }

        public Builder stateFile(Path stateFile) {
            this.stateFile = Objects.requireNonNull(stateFile, "stateFile");
            return this;
        }

        public Builder routesCache(Path routesCache) {
            this.routesCache = Objects.requireNonNull(routesCache, "routesCache");
            return this;
        }

        public Builder eventLoops(int eventLoops) {
            if (eventLoops < 1) {
                throw new IllegalArgumentException("eventLoops: " + eventLoops + " (expected: >= 1)");
            }
            this.eventLoops = eventLoops;
            return this;
        }

        public Builder backendTimeout(Duration timeout) {
            this.backendTimeout = positive("backendTimeout", timeout);
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive("connectTimeout", timeout);
            return this;
        }

        public Builder poolSizePerBackend(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("poolSizePerBackend: " + size + " (expected: >= 1)");
            }
            this.poolSizePerBackend = size;
            return this;
        }

        public Builder ejection(Duration ejection) {
            this.ejection = positive("ejection", ejection);
            return this;
        }

        public Builder logMaxBytes(long bytes) {
            this.logs = logs.withMaxBytes(bytes);
            return this;
        }

        public Builder logKeep(int copies) {
            this.logs = logs.withKeep(copies);
            return this;
        }

        public GatewayConfig build() {
            return new GatewayConfig(this);
        }

        private static void checkListen(String listener, String host, int port) {
            if (Objects.requireNonNull(host, "host").isBlank()) {
                throw new IllegalArgumentException(listener + " host: '' (expected: a host name or address)");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(listener + " port: " + port + " (expected: 0..65535, 0 = any free port)");
            }
        }

        private static Duration positive(String name, Duration value) {
            if (Objects.requireNonNull(value, name).isNegative() || value.isZero() || value.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + ": " + value + " (expected: > 0 and < 24 days)");
            }
            return value;
        }
    }
}
