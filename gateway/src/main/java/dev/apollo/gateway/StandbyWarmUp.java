package dev.apollo.gateway;

import dev.apollo.api.RouteTableView;
import dev.apollo.api.RouteTableView.Backend;
import dev.apollo.api.RouteTableView.EnvironmentRoutes;
import dev.apollo.api.RouteTableView.PathRule;
import dev.apollo.api.RouteTableView.ServiceRoute;
import dev.apollo.routing.RouteResolver;
import dev.apollo.routing.RouteSnapshot;
import dev.apollo.routing.RpcResolver;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A standby's JIT has compiled nothing of the proxy, so taking over cold it answered its first
 * seconds under load slowly (up to ~0.8 s at 5,000 req/s; ~0.1 s warm: docs/BENCHMARKS.md). So once
 * the serving process is busy, the standby sends itself traffic, once: web and RPC requests through
 * the code a real one takes (decoder, routing, backend pools, encoder), on listeners of its own on
 * loopback, to a small backend of its own, paced so that the serving process keeps most of its core.
 * None of it touches the shared sockets or the real route table, and it stops the moment the process
 * takes over, which never waits for it.
 */
final class StandbyWarmUp {
    /** Web requests, then RPC ones: each hot method runs more often than the JIT's optimizing tier asks (~5,000). */
    static final int WEB_REQUESTS = 12_000;
    static final int RPC_REQUESTS = 8_000;
    /**
     * Pacing, so that the serving process keeps most of its core: a request a millisecond at first,
     * while the code is interpreted and the JIT compiles (a request then costs many times more), five
     * a millisecond after the first {@link #SLOW_START} requests of each kind.
     */
    private static final int SLOW_START = 4_000;
    private static final int PER_MILLISECOND = 5;
    private static final String SERVICE = "apollo-warm-up";
    private static final byte[] BODY = "ok\n".getBytes(StandardCharsets.US_ASCII);

    /** How often a standby looks at how busy the serving process is. */
    private static final Duration BUSY_CHECK = Duration.ofSeconds(5);
    /** The share of a core the serving process uses at which a standby warms up: it would take over under load. */
    private static final double BUSY = 0.2;

    private StandbyWarmUp() {}

    /**
     * A thread that warms the standby up once the serving process is busy, once; never while the
     * gateway idles (a warm-up costs a few CPU-seconds). When the serving process is not known (no
     * sockets were handed over), after the first look. {@code stop}: this process serves or closes.
     */
    static Thread start(ProxyServer server, GatewayConfig config, Optional<ProcessHandle> serving, BooleanSupplier stop) {
        return Thread.ofPlatform().daemon().name("apollo-gateway-warm-up").start(() -> {
            try {
                awaitBusy(serving, stop);
                if (stop.getAsBoolean()) {
                    return;
                }
                long started = System.nanoTime();
                int answered = run(server, config, WEB_REQUESTS, RPC_REQUESTS, stop);
                if (!stop.getAsBoolean()) {
                    System.err.println("apollo-gateway: warmed up while standing by: " + answered + " requests to itself in "
                            + (System.nanoTime() - started) / 1_000_000 + " ms");
                }
            } catch (InterruptedException e) {
                // closing
            } catch (RuntimeException e) {
                System.err.println("apollo-gateway: cannot warm up while standing by: " + e.getMessage());
            }
        });
    }

    private static void awaitBusy(Optional<ProcessHandle> serving, BooleanSupplier stop) throws InterruptedException {
        Duration used = cpu(serving);
        while (!stop.getAsBoolean()) {
            Thread.sleep(BUSY_CHECK.toMillis()); // sampling the serving process's CPU time; nothing to wait on
            Duration now = cpu(serving);
            if (serving.isEmpty() || now.minus(used).toNanos() >= BUSY * BUSY_CHECK.toNanos()) {
                return;
            }
            used = now;
        }
    }

    private static Duration cpu(Optional<ProcessHandle> process) {
        return process.flatMap(p -> p.info().totalCpuDuration()).orElse(Duration.ZERO);
    }

    /**
     * Sends {@code webRequests} web requests, then {@code rpcRequests} RPC ones, or fewer once
     * {@code stop} says so; returns how many were answered 200 through the proxy.
     */
    static int run(ProxyServer server, GatewayConfig config, int webRequests, int rpcRequests, BooleanSupplier stop)
            throws InterruptedException {
        List<Channel> opened = new ArrayList<>();
        try {
            Channel backend = server.bindLoopback(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel channel) {
                    channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), new Answer());
                }
            });
            opened.add(backend);
            RouteSnapshot table = RouteSnapshot.compile(table(port(backend)));
            Balancer balancer = new Balancer(System::nanoTime, config.ejection().toNanos());
            Channel web = server.bindLoopback(new GatewayHandler(() -> table, new RouteResolver(config.domain(), () -> "warm-up")),
                    balancer);
            opened.add(web);
            Channel rpc = server.bindLoopback(new RpcHandler(() -> table, new RpcResolver(config.rpcSuffix())), balancer);
            opened.add(rpc);
            byte[] get = ("GET / HTTP/1.1\r\nHost: " + config.domain() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] post = ("POST /" + SERVICE + "/sayHello HTTP/1.1\r\nHost: " + config.rpcSuffix()
                    + "\r\nContent-Type: application/json\r\nContent-Length: 8\r\n\r\n[\"warm\"]").getBytes(StandardCharsets.US_ASCII);
            // One connection at a time, paced: it runs while the serving process is busy, on the same cores.
            return send(port(web), get, webRequests, stop) + send(port(rpc), post, rpcRequests, stop);
        } finally {
            opened.forEach(channel -> channel.close().awaitUninterruptibly());
        }
    }

    /** Sends {@code request} over one kept-alive connection until done or stopped; returns how many got a 200. */
    private static int send(int port, byte[] request, int requests, BooleanSupplier stop) {
        int answered = 0;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(5000);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            while (answered < requests && !stop.getAsBoolean()) {
                if (answered < SLOW_START || answered % PER_MILLISECOND == 0) {
                    Thread.sleep(1); // pacing, not waiting for anything
                }
                out.write(request);
                out.flush();
                String head = head(in);
                int length = contentLength(head);
                if (!head.startsWith("HTTP/1.1 200") || in.readNBytes(length).length != length) {
                    break;
                }
                answered++;
            }
        } catch (IOException e) {
            // a warm-up that ends early warms less; serving does not depend on it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return answered;
    }

    private static String head(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int newlines = 0;
        while (newlines < 2) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed");
            }
            head.append((char) b);
            newlines = b == '\n' ? newlines + 1 : b == '\r' ? newlines : 0;
        }
        return head.toString();
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        return 0;
    }

    private static int port(Channel channel) {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    private static RouteTableView table(int backendPort) {
        List<Backend> backends = List.of(new Backend(SERVICE + "-1", "127.0.0.1:" + backendPort));
        ServiceRoute service = new ServiceRoute(SERVICE, "r1", "1", backends, null);
        return new RouteTableView(1, Instant.now(), List.of(new EnvironmentRoutes("production", null,
                List.of(new PathRule("/", SERVICE)), List.of(service), List.of())));
    }

    /** The backend: 200 "ok" to every request, kept alive. */
    private static final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(BODY));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain").setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.length);
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            var written = ctx.writeAndFlush(response);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
