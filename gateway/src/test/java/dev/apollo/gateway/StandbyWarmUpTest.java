package dev.apollo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A standby's warm-up goes through the proxy for real, web and RPC, and ends when told to. */
class StandbyWarmUpTest {
    private static ProxyServer server(GatewayConfig config) {
        return new ProxyServer(config);
    }

    @Test
    void everyRequestIsAnsweredThroughItsOwnListenersAndBackend() throws Exception {
        GatewayConfig config = GatewayConfig.builder().eventLoops(1).build();
        try (ProxyServer server = server(config)) {
            assertThat(StandbyWarmUp.run(server, config, 60, 40, () -> false)).isEqualTo(100);
            assertThat(server.listeningSockets()).as("nothing of it is handed to another process").isEmpty();
        }
    }

    @Test
    void itStopsWhenTheProcessTakesOver() throws Exception {
        GatewayConfig config = GatewayConfig.builder().eventLoops(1).build();
        AtomicInteger asked = new AtomicInteger();
        try (ProxyServer server = server(config)) {
            // It asks before every request: told to stop after a few, it ends long before its count.
            int answered = StandbyWarmUp.run(server, config, 100_000, 100_000, () -> asked.incrementAndGet() > 20);
            assertThat(answered).isLessThanOrEqualTo(20);
        }
    }
}
