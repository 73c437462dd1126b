package dev.apollo.core.deploy;

import static dev.apollo.core.Fixtures.release;
import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseState;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InstanceVariablesTest {
    private static final URI GATEWAY = URI.create("http://127.0.0.1:9090/");

    @Test
    void anInstanceKnowsItsReleaseAndReachesRpcInItsOwnEnvironment() {
        Release production = release(1, "web-service:1.6.0", 3, ReleaseState.DEPLOYING);

        assertThat(InstanceVariables.of(production, GATEWAY)).isEqualTo(Map.of(
                "APOLLO_ENV", "production",
                "APOLLO_SERVICE", "web-service",
                "APOLLO_VERSION", "1.6.0",
                "RPC_INT", "http://127.0.0.1:9090"));
    }

    @Test
    void outsideProductionRpcIntCarriesTheEnvironmentInItsPath() {
        assertThat(RpcAddress.forEnvironment(GATEWAY, EnvironmentName.of("stage1"))).isEqualTo("http://127.0.0.1:9090/_env/stage1");
        assertThat(RpcAddress.forEnvironment(URI.create("http://rpc.int"), EnvironmentName.PRODUCTION)).isEqualTo("http://rpc.int");
    }
}
