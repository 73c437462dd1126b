package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command: `apollo demo` on a fresh data dir, then `apollo down`. */
class DemoIT {

    @Test
    void theDemoDeploysBothExamplesAndAnswersThroughTheGateways(@TempDir Path home) {
        Assumptions.assumeTrue(free(7700) && free(8080) && free(9090),
                "the demo uses the default ports 7700, 8080 and 9090, and one of them is taken on this machine");
        try (Apollo apollo = Apollo.in(home)) {
            Apollo.Result demo = apollo.cli("demo");

            assertThat(demo.exit()).as(demo.all()).isZero();
            assertThat(demo.out()).contains("web-service:1.0.0 is live", "rpc-service:1.0.0 is live",
                    "\"service\":\"web-service\"", "Hello, Apollo!", "Next, try:");
            assertThat(apollo.ok("down").out()).contains("Stopped");
            assertThat(apollo.instanceProcesses()).isEmpty();
        }
    }

    private static boolean free(int port) {
        try (ServerSocket ignored = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
