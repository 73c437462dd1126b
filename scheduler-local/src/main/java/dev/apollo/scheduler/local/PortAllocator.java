package dev.apollo.scheduler.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;

/**
 * Finds a free port by letting the OS pick one and giving it back. The port is only free at that
 * moment: the instance binds it a few hundred milliseconds later, so a port the scheduler already
 * handed out is never handed out again while its instance lives.
 */
final class PortAllocator {
    private static final int ATTEMPTS = 20;

    private final InetAddress host;

    PortAllocator(String host) {
        try {
            this.host = InetAddress.getByName(host);
        } catch (IOException e) {
            throw new UncheckedIOException("bind host '" + host + "' does not resolve", e);
        }
    }

    int allocate(Set<Integer> taken) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = probe();
            if (!taken.contains(port)) {
                return port;
            }
        }
        throw new IllegalStateException("No free port on " + host.getHostAddress() + " after " + ATTEMPTS
                + " attempts; the ephemeral port range may be exhausted.");
    }

    private int probe() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not bind a port on " + host.getHostAddress(), e);
        }
    }
}
