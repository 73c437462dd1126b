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
 * @param rpcGateway the RPC gateway address handed to instances as RPC_INT
 */
public record ServerConfig(
        Path home,
        InetSocketAddress listen,
        int maxInstances,
        Duration stopGrace,
        Duration deployTimeout,
        int defaultMemoryMb,
        Optional<URI> mavenRemote,
        URI rpcGateway) {

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
                Duration.ofSeconds(120), 128, Optional.empty(), URI.create("http://127.0.0.1:9090"));
    }

    public ServerConfig withListen(InetSocketAddress address) {
        return new ServerConfig(home, address, maxInstances, stopGrace, deployTimeout, defaultMemoryMb, mavenRemote, rpcGateway);
    }

    public ServerConfig withMaxInstances(int max) {
        return new ServerConfig(home, listen, max, stopGrace, deployTimeout, defaultMemoryMb, mavenRemote, rpcGateway);
    }

    public ServerConfig withStopGrace(Duration grace) {
        return new ServerConfig(home, listen, maxInstances, grace, deployTimeout, defaultMemoryMb, mavenRemote, rpcGateway);
    }

    public ServerConfig withMavenRemote(Optional<URI> remote) {
        return new ServerConfig(home, listen, maxInstances, stopGrace, deployTimeout, defaultMemoryMb, remote, rpcGateway);
    }
}
