package dev.apollo.gateway;

import dev.apollo.routing.Decision.Forward;
import dev.apollo.routing.Decision.Proxied;
import dev.apollo.routing.Decision.ToExternal;
import io.netty.channel.EventLoop;
import java.util.Map;

/**
 * What the connections of one listening port share: how they route, the backend pools of each
 * event loop, the passive ejection, and how long a backend or an external may stay silent.
 */
record Listener(RoutingHandler router, Map<EventLoop, BackendPools> poolsByLoop, Balancer balancer, long backendTimeoutNanos,
        long externalTimeoutNanos) {

    BackendPools pools(EventLoop loop) {
        return poolsByLoop.get(loop);
    }

    long timeoutNanos(Proxied decision) {
        return switch (decision) {
            case Forward forward -> backendTimeoutNanos;
            case ToExternal external -> externalTimeoutNanos;
        };
    }
}
