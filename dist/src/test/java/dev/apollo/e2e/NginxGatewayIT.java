package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** Every web gateway scenario again, through a real nginx whose configuration Apollo renders and reloads. */
class NginxGatewayIT extends GatewayIT {
    /**
     * For ~100 ms after a reload nginx's old workers still accept connections (the master waits
     * before it retires them), so a client that opens a new connection per request can meet the old
     * release once more right after the switch. No request fails; the last word is the new version.
     */
    @Override
    protected void flipsFromOneToTwo(List<String> versionsSeen) {
        assertThat(versionsSeen).startsWith("1.0.0").endsWith("2.0.0");
        assertThat(versionsSeen.stream().distinct()).containsExactly("1.0.0", "2.0.0");
    }

    @Override
    protected String[] gatewayFlags() {
        return new String[] {"--gateway", "nginx"};
    }
}
