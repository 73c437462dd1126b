package dev.apollo.e2e;

import org.junit.jupiter.api.Tag;

/**
 * Every web gateway scenario again, with the instances as Docker Swarm tasks (apollo up --scheduler swarm on the
 * local engine, a Swarm manager: ./test makes it one, bin/docker.sh): blue/green and scale-down under load with no
 * failed request, an unhealthy task replaced under load, rollback to the warm release, testbeds, and the gateway
 * serving while the control plane is dead.
 */
@Tag("swarm")
class SwarmGatewayIT extends GatewayIT {
    @Override
    protected String[] gatewayFlags() {
        return new String[] {"--scheduler", "swarm"};
    }
}
