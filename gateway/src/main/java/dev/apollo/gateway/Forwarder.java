package dev.apollo.gateway;

import dev.apollo.routing.Decision.Proxied;
import io.vertx.core.http.HttpServerRequest;

/**
 * The gateway's proxy, one per event loop and listener: carries each routed request to a backend or
 * an external as an {@link Exchange}. Written on Vert.x's HTTP client and server directly (not
 * vertx-http-proxy) so that what crosses is decided here: headers copied once, hop-by-hop ones
 * dropped, 100-continue answered, refused WebSocket handshakes passed back whole, safe retries.
 */
final class Forwarder {
    private final BackendConnector backends;
    private final ExternalConnector externals;
    private final boolean webSockets;

    /** @param externals null on a listener that routes to no external (web) */
    Forwarder(BackendConnector backends, ExternalConnector externals, boolean webSockets) {
        this.backends = backends;
        this.externals = externals;
        this.webSockets = webSockets;
    }

    void forward(HttpServerRequest request, Proxied decision) {
        new Exchange(this, request, decision).start();
    }

    BackendConnector backends() {
        return backends;
    }

    ExternalConnector externals() {
        return externals;
    }

    /** Whether WebSocket handshakes are passed through (web) or treated as plain requests (RPC). */
    boolean webSockets() {
        return webSockets;
    }
}
