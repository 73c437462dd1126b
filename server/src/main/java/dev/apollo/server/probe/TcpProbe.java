package dev.apollo.server.probe;

import dev.apollo.core.health.ProbeResult;
import dev.apollo.core.model.Address;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** A TCP connect to the instance's port: passes once the connection is accepted, and closes it at once. */
final class TcpProbe {
    private final Executor executor;

    TcpProbe(Executor executor) {
        this.executor = executor;
    }

    CompletableFuture<ProbeResult> probe(Address address, Duration timeout) {
        return CompletableFuture.supplyAsync(() -> connect(address, timeout), executor);
    }

    private static ProbeResult connect(Address address, Duration timeout) {
        String what = "TCP connect to " + address;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address.host(), address.port()), (int) Math.max(1, timeout.toMillis()));
            return ProbeResult.ok();
        } catch (SocketTimeoutException e) {
            return ProbeResult.failed(what + " timed out after " + timeout.toMillis() + " ms");
        } catch (ConnectException e) {
            return ProbeResult.failed(what + ": connection refused");
        } catch (IOException e) {
            return ProbeResult.failed(what + " failed: " + e.getMessage());
        }
    }
}
