package dev.apollo.server.probe;

import dev.apollo.core.health.ProbeResult;
import dev.apollo.core.model.Address;
import dev.apollo.core.model.Probe;
import dev.apollo.server.control.HealthProbe;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The health probes as the control plane sends them, from its own machine: HTTP, TCP and commands,
 * each waiting on a virtual thread of its own so that a slow instance delays only its own probe.
 */
public final class LocalProbes implements HealthProbe {
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpProbe http = new HttpProbe(executor);
    private final TcpProbe tcp = new TcpProbe(executor);
    private final CommandProbe command = new CommandProbe(executor);

    @Override
    public CompletableFuture<ProbeResult> probe(Address address, Probe probe, Duration timeout) {
        CompletableFuture<ProbeResult> result = switch (probe) {
            case Probe.Http get -> http.probe(address, get, timeout);
            case Probe.Tcp connect -> tcp.probe(address, timeout);
            case Probe.Command run -> command.probe(address, run, timeout);
        };
        // A probe that broke is a failed probe: the loop waits for every answer before it sends the next round.
        return result.exceptionally(error -> ProbeResult.failed(probe.describe() + " failed: " + error));
    }

    @Override
    public void close() {
        http.close();
        executor.shutdownNow(); // interrupts commands still running: each is killed on its way out
    }
}
