package dev.apollo.e2e;

/** Every web gateway scenario again, through a real nginx whose configuration Apollo renders and reloads. */
class NginxGatewayIT extends GatewayIT {
    @Override
    protected String[] gatewayFlags() {
        return new String[] {"--gateway", "nginx"};
    }
}
