package dev.apollo.gateway;

import dev.apollo.routing.GatewayException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The gateway's HTTP listeners and their event loops, on Netty directly. Native epoll where Netty
 * has it (Linux): SO_REUSEPORT, which lets a second gateway process share the ports, and a leaner
 * event loop than NIO's; elsewhere NIO, one process per port.
 */
final class ProxyServer implements AutoCloseable {
    /** A kept-alive client connection idle this long is closed. */
    private static final int CLIENT_IDLE_SECONDS = 120;

    /** Where a listener listens; {@code flag} names the option that moves it, for the message when it cannot. */
    record Listen(String host, int port, String flag) {}

    private final EventLoopGroup group;
    private final boolean epoll;
    private final Map<EventLoop, BackendPools> pools = new IdentityHashMap<>();
    private final GatewayConfig config;
    private final DnsAddressResolverGroup resolver;

    ProxyServer(GatewayConfig config) {
        this.config = config;
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(config.eventLoops(), new DefaultThreadFactory("gateway-loop", true), io);
        SslContext tls;
        try {
            // The JDK's trust store; Netty checks the certificate names the host (HTTPS endpoint identification).
            tls = SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS").build();
        } catch (SSLException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new GatewayException("cannot set up TLS for externals: " + e.getMessage(), e);
        }
        Class<? extends SocketChannel> channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        // /etc/hosts first, then the name servers of /etc/resolv.conf, as the system's resolver does.
        this.resolver = new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                .datagramChannelType(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class));
        for (EventExecutor executor : group) {
            EventLoop loop = (EventLoop) executor;
            pools.put(loop, new BackendPools(loop, channelType, (int) config.connectTimeout().toMillis(),
                    config.poolSizePerBackend(), tls, resolver));
            // Netty starts a loop's thread on its first task; started now, the process shows all its loops at once.
            loop.submit(() -> { }).syncUninterruptibly();
        }
    }

    /** Listens on {@code where} with {@code router}; returns the bound port. */
    int listen(Listen where, RoutingHandler router, Balancer balancer) {
        Listener listener = new Listener(router, pools, balancer, config.backendTimeout().toNanos(), config.externalTimeout().toNanos());
        Class<? extends ServerChannel> serverType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(serverType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline()
                                .addLast("decoder", new StrictRequestDecoder())
                                .addLast("encoder", new HttpResponseEncoder())
                                .addLast("idle", new IdleStateHandler(CLIENT_IDLE_SECONDS, 0, 0))
                                .addLast("client", new ClientConnection(listener));
                    }
                });
        if (epoll && config.sharedPorts()) {
            // Several gateway processes may listen on one port, the kernel spreading connections among them: the
            // control plane runs two, so one keeps serving while a dead one is replaced.
            bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
        }
        ChannelFuture bound = bootstrap.bind(where.host(), where.port()).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable failure = bound.cause();
            throw new GatewayException("cannot listen on " + where.host() + ":" + where.port() + " (" + failure.getMessage()
                    + "); is another gateway running? Choose another port with " + where.flag() + " HOST:PORT", failure);
        }
        Channel server = bound.channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        resolver.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
