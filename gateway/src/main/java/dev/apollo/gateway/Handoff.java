package dev.apollo.gateway;

import dev.apollo.routing.Decision.Proxied;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.httpproxy.HttpProxy;

/**
 * Carries a request's routing decision from the listener's handler into the proxy's interceptor.
 * The proxy offers no per-request slot before its own context exists, but it calls the first
 * interceptor synchronously from {@code handle}, on the same event loop, so one field per proxy
 * suffices: put, handle, and the interceptor takes it before anything can interleave.
 */
final class Handoff {
    private Proxied pending;

    /** Proxies {@code request} as {@code decision} says. */
    void proxy(HttpProxy proxy, HttpServerRequest request, Proxied decision) {
        // Choosing the backend may take a connect or two; hold the body until it is piped there.
        request.pause();
        pending = decision;
        try {
            proxy.handle(request);
        } finally {
            pending = null;
        }
    }

    /** The pending decision, cleared; null if the synchronous contract above was broken. */
    Proxied take() {
        Proxied decision = pending;
        pending = null;
        return decision;
    }
}
