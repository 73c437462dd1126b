package dev.apollo.gateway;

import dev.apollo.routing.Backend;
import dev.apollo.routing.BackendPool;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens a request to a backend of the decided pool. A failure here happens before any byte of the
 * request was sent (there was no connection to send it on), so it is the one place where a retry is
 * always safe, whatever the method: once, on another backend. A refused connection ejects the backend.
 */
final class BackendConnector {
    private static final Handler<Throwable> IGNORE = failure -> { };

    /** A request opened to {@code backend}, ready for its headers. */
    record Opened(HttpClientRequest request, Backend backend) {}

    private final HttpClient client;
    private final Balancer balancer;
    private final long idleTimeoutMillis;

    BackendConnector(HttpClient client, Balancer balancer, long idleTimeoutMillis) {
        this.client = client;
        this.balancer = balancer;
        this.idleTimeoutMillis = idleTimeoutMillis;
    }

    /**
     * A request to a backend of {@code pool} other than those {@code tried} (each opened backend is
     * added to it); fails with {@link BackendsUnreachable} when none could be connected to.
     */
    Future<Opened> open(BackendPool pool, List<Backend> tried) {
        Backend first = tried.isEmpty() ? balancer.pick(pool) : balancer.pickOther(pool, tried);
        if (first == null) {
            return Future.failedFuture(new BackendsUnreachable(addresses(tried), null));
        }
        tried.add(first);
        return open(first).recover(firstFailure -> {
            noteFailure(first, firstFailure);
            Backend second = balancer.pickOther(pool, tried);
            if (second == null) {
                return Future.failedFuture(new BackendsUnreachable(addresses(tried), firstFailure));
            }
            tried.add(second);
            return open(second).recover(secondFailure -> {
                noteFailure(second, secondFailure);
                return Future.failedFuture(new BackendsUnreachable(addresses(tried), secondFailure));
            });
        });
    }

    private Future<Opened> open(Backend backend) {
        return client.request(new RequestOptions()
                        .setHost(backend.host())
                        .setPort(backend.port())
                        .setIdleTimeout(idleTimeoutMillis))
                // Failures also fail the response future, which the exchange answers; without a
                // handler Vert.x would log each one, and a dying backend would flood the log.
                .map(request -> new Opened(request.exceptionHandler(IGNORE), backend));
    }

    /** A connection that failed or was reset by {@code backend}. */
    void noteFailure(Backend backend, Throwable failure) {
        // Only a failed connect says the backend is gone; a full client pool says nothing about it.
        if (failure instanceof ConnectException) {
            balancer.eject(backend);
        }
    }

    private static List<String> addresses(List<Backend> backends) {
        List<String> addresses = new ArrayList<>();
        backends.forEach(b -> addresses.add(b.address()));
        return addresses;
    }
}
