package dev.apollo.gateway;

import dev.apollo.gateway.Decision.Forward;

/**
 * Carries a request's routing decision from {@link GatewayHandler} into the proxy's interceptor.
 * The proxy offers no per-request slot before its own context exists, but it calls the first
 * interceptor synchronously from {@code handle}, on the same event loop, so one field per verticle
 * suffices: put, handle, and the interceptor takes it before anything can interleave.
 */
final class Handoff {
    private Forward pending;

    void put(Forward forward) {
        pending = forward;
    }

    /** The pending decision, cleared; null if the synchronous contract above was broken. */
    Forward take() {
        Forward forward = pending;
        pending = null;
        return forward;
    }
}
