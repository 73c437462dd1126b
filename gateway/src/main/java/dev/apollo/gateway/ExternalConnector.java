package dev.apollo.gateway;

import dev.apollo.routing.ExternalEndpoint;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;

/**
 * Opens the request to a 3rd-party external, over TLS for an https URL. It uses a client of its
 * own (not the proxy's backend client): TLS, and pools keyed by hosts outside the platform. There
 * is one URL, hence no retry; a failure to open is wrapped in {@link ExternalUnreachable} so the
 * reply can tell "could not connect" from "did not answer".
 */
final class ExternalConnector {
    private static final Handler<Throwable> IGNORE = failure -> { };

    private final HttpClient client;
    private final long connectTimeoutMillis;
    private final long readTimeoutMillis;

    ExternalConnector(HttpClient client, long connectTimeoutMillis, long readTimeoutMillis) {
        this.client = client;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.readTimeoutMillis = readTimeoutMillis;
    }

    Future<HttpClientRequest> open(ExternalEndpoint endpoint) {
        return client.request(new RequestOptions()
                        .setHost(endpoint.host())
                        .setPort(endpoint.port())
                        .setSsl(endpoint.tls())
                        .setConnectTimeout(connectTimeoutMillis)
                        .setIdleTimeout(readTimeoutMillis))
                // As for backends: the response future carries failures to the interceptor, not the log.
                .map(request -> request.exceptionHandler(IGNORE))
                .recover(failure -> Future.failedFuture(new ExternalUnreachable(endpoint, failure)));
    }
}
