package dev.apollo.gateway;

import dev.apollo.routing.Backend;
import dev.apollo.routing.BackendPool;
import dev.apollo.routing.Decision.Forward;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.httpproxy.OriginRequestProvider;
import io.vertx.httpproxy.ProxyContext;
import java.net.ConnectException;
import java.util.List;

/**
 * Opens the request to a backend of the decided pool. A failure here happens before any byte of
 * the request was sent (the client had no connection to send it on), so it is the one place where
 * a retry is always safe: once, on another backend. A refused connection ejects the backend.
 */
final class BackendConnector implements OriginRequestProvider {
    private static final Handler<Throwable> IGNORE = failure -> { };

    private final Balancer balancer;
    private final long idleTimeoutMillis;

    BackendConnector(Balancer balancer, long idleTimeoutMillis) {
        this.balancer = balancer;
        this.idleTimeoutMillis = idleTimeoutMillis;
    }

    @Override
    public Future<HttpClientRequest> create(ProxyContext context) {
        BackendPool pool = context.get(ForwardingInterceptor.ROUTE, Forward.class).pool();
        HttpClient client = context.client();
        Backend first = balancer.pick(pool);
        return open(client, first).recover(firstFailure -> {
            noteFailure(first, firstFailure);
            Backend second = balancer.pickOther(pool, first);
            if (second == null) {
                return Future.failedFuture(new BackendsUnreachable(List.of(first.address()), firstFailure));
            }
            return open(client, second).recover(secondFailure -> {
                noteFailure(second, secondFailure);
                return Future.failedFuture(new BackendsUnreachable(List.of(first.address(), second.address()), secondFailure));
            });
        });
    }

    private Future<HttpClientRequest> open(HttpClient client, Backend backend) {
        return client.request(new RequestOptions()
                        .setHost(backend.host())
                        .setPort(backend.port())
                        .setIdleTimeout(idleTimeoutMillis))
                // Failures also fail the response future, which the interceptor answers; without a
                // handler Vert.x would log each one, and a dying backend would flood the log.
                .map(request -> request.exceptionHandler(IGNORE));
    }

    private void noteFailure(Backend backend, Throwable failure) {
        // Only a failed connect says the backend is gone; a full client pool says nothing about it.
        if (failure instanceof ConnectException) {
            balancer.eject(backend);
        }
    }
}
