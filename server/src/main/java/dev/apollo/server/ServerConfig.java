package dev.apollo.server;

import dev.apollo.core.ApolloException;
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
 * @param gateway where the embedded web gateway listens (HOST:PORT, port 0 for any), or empty for none
 * @param domain the web domain: {@code domain} is production, {@code E.domain} environment E
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
        String domain) {

    public static final int DEFAULT_PORT = 7700;

    public ServerConfig {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(listen, "listen");
        if (maxInstances < 1) {
            throw new ApolloException.Invalid("max instances: " + maxInstances + " (expected: >= 1)");
        }
    }

    public static ServerConfig defaults(Path home) {
        return new ServerConfig(home, new InetSocketAddress("127.0.0.1", DEFAULT_PORT), 200, Duration.ofSeconds(10),
                Duration.ofSeconds(120), 128, Optional.empty(), "127.0.0.1:9090", Duration.ofSeconds(1),
                Duration.ofMinutes(5), Optional.of("127.0.0.1:8080"), "apollo.localhost");
    }

    public ServerConfig withHome(Path value) {
        return new ServerConfig(value, listen, maxInstances, stopGrace, deployTimeout, defaultMemoryMb, mavenRemote, rpc,
                drainDelay, rollbackWindow, gateway, domain);
    }

    public ServerConfig withListen(InetSocketAddress value) {
        return new ServerConfig(home, value, maxInstances, stopGrace, deployTimeout, defaultMemoryMb, mavenRemote, rpc,
                drainDelay, rollbackWindow, gateway, domain);
    }

    public ServerConfig withMaxInstances(int value) {
        return new ServerConfig(home, listen, value, stopGrace, deployTimeout, defaultMemoryMb, mavenRemote, rpc,
                drainDelay, rollbackWindow, gateway, domain);
    }

    public ServerConfig withStopGrace(Duration value) {
        return new ServerConfig(home, listen, maxInstances, value, deployTimeout, defaultMemoryMb, mavenRemote, rpc,
                drainDelay, rollbackWindow, gateway, domain);
    }

    public ServerConfig withMavenRemote(Optional<URI> value) {
        return new ServerConfig(home, listen, maxInstances, stopGrace, deployTimeout, defaultMemoryMb, value, rpc,
                drainDelay, rollbackWindow, gateway, domain);
    }

    public ServerConfig withDrainDelay(Duration value) {
        return new ServerConfig(home, listen, maxInstances, stopGrace, deployTimeout, defaultMemoryMb, mavenRemote, rpc,
                value, rollbackWindow, gateway, domain);
    }

    public ServerConfig withRollbackWindow(Duration value) {
        return new ServerConfig(home, listen, maxInstances, stopGrace, deployTimeout, defaultMemoryMb, mavenRemote, rpc,
                drainDelay, value, gateway, domain);
    }

    public ServerConfig withGateway(Optional<String> value) {
        return new ServerConfig(home, listen, maxInstances, stopGrace, deployTimeout, defaultMemoryMb, mavenRemote, rpc,
                drainDelay, rollbackWindow, value, domain);
    }

    public ServerConfig withRpc(String value) {
        return new ServerConfig(home, listen, maxInstances, stopGrace, deployTimeout, defaultMemoryMb, mavenRemote, value,
                drainDelay, rollbackWindow, gateway, domain);
    }
}
