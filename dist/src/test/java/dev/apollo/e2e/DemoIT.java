package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command: `apollo demo` on a fresh data dir, then `apollo down`. */
class DemoIT {

    @Test
    void theDemoDeploysBothExamplesAndAnswersThroughTheGateways(@TempDir Path home) {
        try (Apollo apollo = Apollo.in(home)) {
            // Free ports instead of the defaults (7700, 8080, 9090), which another control plane may hold.
            Apollo.Result demo = apollo.cli("demo", "--listen", "127.0.0.1:0", "--web", "127.0.0.1:0", "--rpc", "127.0.0.1:0");

            assertThat(demo.exit()).as(demo.all()).isZero();
            assertThat(demo.out()).contains("Apollo control plane running at " + apollo.url(),
                    "web-service:1.0.0 is live", "rpc-service:1.0.0 is live",
                    "\"service\":\"web-service\"", "Hello, Apollo!", "Next, try:");
            assertThat(demo.out()).contains("GET http://" + apollo.gateway() + "/hello?name=Apollo",
                    "POST http://" + apollo.rpcGateway() + "/rpc-service/sayHello");
            assertThat(apollo.ok("down").out()).contains("Stopped");
            assertThat(apollo.instanceProcesses()).isEmpty();
        }
    }
}
