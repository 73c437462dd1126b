package dev.apollo.server.http;

import dev.apollo.core.model.EnvironmentName;
import java.util.Optional;

/**
 * The gateway's state and the nginx.conf the platform renders. The config is answered as the
 * file itself (text/plain), not wrapped in JSON, so that {@code apollo gateway config > nginx.conf}
 * and {@code curl} give the exact bytes nginx is fed.
 */
final class GatewayApi {
    private final GatewayInfo gateway;

    GatewayApi(GatewayInfo gateway) {
        this.gateway = gateway;
    }

    void register(Router router) {
        router.add("GET", "/v1/gateway", call -> call.json(200, gateway.view()));
        router.add("GET", "/v1/gateway/config", call -> {
            // Parsed here so a malformed name is a 400 naming the rule; an unknown one is GatewayInfo's 404.
            Optional<String> environment = call.query("environment").map(EnvironmentName::of).map(EnvironmentName::value);
            call.text(200, gateway.config(environment));
        });
    }
}
