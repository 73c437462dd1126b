package dev.apollo.gateway;

import dev.apollo.routing.GatewayException;
import dev.apollo.routing.RouteResolver;
import dev.apollo.routing.RouteSnapshot;
import dev.apollo.routing.RpcResolver;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One event loop's share of the gateway: a listener on each shared port (web, and RPC unless
 * turned off), one client pool to our backends shared by both, and one to externals, so a request
 * and its outbound connection stay on one thread.
 */
final class GatewayVerticle extends VerticleBase {
    private static final Handler<Throwable> IGNORE = failure -> { };

    /** Where a verticle listens; {@code port} negative: a random port shared by all instances (see {@link Gateway}). */
    record Listen(String host, int port, String flag) {}

    private final GatewayConfig config;
    private final Listen web;
    private final Optional<Listen> rpc;
    private final Supplier<RouteSnapshot> routes;
    private final RouteResolver resolver;
    private final RpcResolver rpcResolver;
    private final Balancer balancer;
    private volatile int webPort;
    private volatile int rpcPort;

    /** @param rpc where to listen for RPC; empty: no RPC listener */
    GatewayVerticle(GatewayConfig config, Listen web, Optional<Listen> rpc, Supplier<RouteSnapshot> routes, RouteResolver resolver,
            RpcResolver rpcResolver, Balancer balancer) {
        this.config = config;
        this.web = web;
        this.rpc = rpc;
        this.routes = routes;
        this.resolver = resolver;
        this.rpcResolver = rpcResolver;
        this.balancer = balancer;
    }

    @Override
    public Future<?> start() {
        int connectMillis = (int) config.connectTimeout().toMillis();
        HttpClient backends = vertx.createHttpClient(
                new HttpClientOptions()
                        .setKeepAlive(true)
                        // Below the usual 30 s idle limit of backends, so we drop a connection before they do.
                        .setKeepAliveTimeout(15)
                        .setConnectTimeout(connectMillis)
                        .setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(config.poolSizePerBackend()));
        BackendConnector backendConnector = new BackendConnector(backends, balancer, config.backendTimeout().toMillis());
        Future<?> started = listen(web, new GatewayHandler(routes, resolver, new Forwarder(backendConnector, null, true)))
                .onSuccess(port -> webPort = port);
        if (rpc.isEmpty()) {
            return started;
        }

        HttpClient externals = vertx.createHttpClient(
                new HttpClientOptions()
                        .setKeepAlive(true)
                        .setKeepAliveTimeout(15)
                        .setConnectTimeout(connectMillis)
                        .setTcpNoDelay(true)
                        // Name the host in the TLS handshake: 3rd parties commonly serve many names on one address.
                        .setForceSni(true)
                        .setVerifyHost(true),
                new PoolOptions().setHttp1MaxSize(config.poolSizePerBackend()));
        ExternalConnector externalConnector = new ExternalConnector(externals, connectMillis, config.externalTimeout().toMillis());
        RpcHandler rpcHandler = new RpcHandler(routes, rpcResolver, new Forwarder(backendConnector, externalConnector, false));
        return started.compose(ignored -> listen(rpc.get(), rpcHandler)).onSuccess(port -> rpcPort = port);
    }

    private Future<Integer> listen(Listen where, Handler<HttpServerRequest> handler) {
        HttpServerOptions options = new HttpServerOptions()
                .setTcpNoDelay(true)
                // Several gateway processes may listen on one port, the kernel spreading connections among
                // them: the control plane runs two, so one keeps serving while a dead one is replaced.
                .setReusePort(config.sharedPorts())
                .setIdleTimeout(120)
                // As nginx: an Upgrade: h2c request is served as HTTP/1.1 (its Upgrade is hop-by-hop), not switched.
                .setHttp2ClearTextEnabled(false)
                // nginx's limits (large_client_header_buffers 4 8k): a request line of up to 8 KB, headers of 32 KB.
                .setMaxInitialLineLength(8192)
                .setMaxHeaderSize(32 * 1024);
        HttpServer server = vertx.createHttpServer(options);
        return server.requestHandler(handler)
                .invalidRequestHandler(ProtocolErrors::invalid)
                // Clients that reset connections are routine for a gateway, not news for its log.
                .connectionHandler(connection -> {
                    StrictRequestDecoder.install(connection, options);
                    connection.exceptionHandler(IGNORE);
                })
                .listen(where.port(), where.host())
                .map(HttpServer::actualPort)
                .recover(failure -> Future.failedFuture(new GatewayException("cannot listen on " + where.host() + ":"
                        + Math.max(0, where.port()) + " (" + failure.getMessage() + "); is another gateway running? Choose"
                        + " another port with " + where.flag() + " HOST:PORT", failure)));
    }

    int webPort() {
        return webPort;
    }

    int rpcPort() {
        return rpcPort;
    }
}
