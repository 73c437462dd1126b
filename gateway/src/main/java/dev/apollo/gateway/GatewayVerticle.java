package dev.apollo.gateway;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyOptions;
import java.util.function.Supplier;

/**
 * One event loop's share of the gateway: a listener on the shared port, its own client pool and
 * proxy, so a request and its backend connection stay on one thread.
 */
final class GatewayVerticle extends VerticleBase {
    private static final Handler<Throwable> IGNORE = failure -> { };

    private final GatewayConfig config;
    private final int listenPort;
    private final Supplier<RouteSnapshot> routes;
    private final RouteResolver resolver;
    private final Balancer balancer;
    private volatile int actualPort;

    /** @param listenPort the port, or a negative one: a random port shared by all instances */
    GatewayVerticle(GatewayConfig config, int listenPort, Supplier<RouteSnapshot> routes, RouteResolver resolver,
            Balancer balancer) {
        this.config = config;
        this.listenPort = listenPort;
        this.routes = routes;
        this.resolver = resolver;
        this.balancer = balancer;
    }

    @Override
    public Future<?> start() {
        HttpClient client = vertx.createHttpClient(
                new HttpClientOptions()
                        .setKeepAlive(true)
                        // Below the usual 30 s idle limit of backends, so we drop a connection before they do.
                        .setKeepAliveTimeout(15)
                        .setConnectTimeout((int) config.connectTimeout().toMillis())
                        .setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(config.poolSizePerBackend()));
        Handoff handoff = new Handoff();
        HttpProxy proxy = HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(true), client)
                .origin(new BackendConnector(balancer, config.backendTimeout().toMillis()))
                .addInterceptor(new ForwardingInterceptor(handoff), true);
        HttpServer server = vertx.createHttpServer(new HttpServerOptions()
                .setTcpNoDelay(true)
                .setIdleTimeout(120));
        return server.requestHandler(new GatewayHandler(routes, resolver, proxy, handoff))
                // Clients that reset connections are routine for a gateway, not news for its log.
                .connectionHandler(connection -> connection.exceptionHandler(IGNORE))
                .listen(listenPort, config.webHost())
                .onSuccess(s -> actualPort = s.actualPort());
    }

    int actualPort() {
        return actualPort;
    }
}
