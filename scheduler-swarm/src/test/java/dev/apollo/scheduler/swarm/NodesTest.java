package dev.apollo.scheduler.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** Where a node's tasks are reached, from the node as the engine's API describes it. */
class NodesTest {

    @Test
    void aNodeIsReachedAtTheAddressItAdvertises() throws Exception {
        assertThat(Nodes.address(node("{\"Status\":{\"State\":\"ready\",\"Addr\":\"10.213.0.6\"}}"))).isEqualTo("10.213.0.6");
        assertThat(Nodes.address(node("{\"Status\":{\"Addr\":\"127.0.0.1\"},\"ManagerStatus\":{\"Addr\":\"127.0.0.1:2377\"}}")))
                .as("a one-machine swarm keeps its tasks on loopback").isEqualTo("127.0.0.1");
    }

    @Test
    void aManagerThatReportsTheWildcardIsReachedAtItsManagerAddress() throws Exception {
        assertThat(Nodes.address(node("{\"Status\":{\"Addr\":\"0.0.0.0\"},\"ManagerStatus\":{\"Addr\":\"10.1.2.3:2377\"}}")))
                .isEqualTo("10.1.2.3");
        assertThat(Nodes.address(node("{\"Status\":{},\"ManagerStatus\":{\"Addr\":\"[fd00::1]:2377\"}}")))
                .isEqualTo("[fd00::1]");
    }

    private static JsonNode node(String json) throws Exception {
        return Engine.json().readTree(json);
    }
}
