package dev.apollo.server.http;

import dev.apollo.api.Views.GatewayView;
import java.util.Optional;

/** What the API tells about the gateway: its state, and the nginx configuration the platform's state renders to. */
public interface GatewayInfo {
    GatewayView view();

    /**
     * The nginx.conf for the current route table (the same bytes an nginx gateway serves), or only
     * the parts of one environment; throws {@code ApolloException.NotFound} for an unknown environment.
     */
    String config(Optional<String> environment);
}
