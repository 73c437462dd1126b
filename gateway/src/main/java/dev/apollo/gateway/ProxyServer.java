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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The gateway's HTTP listeners and their event loops, on Netty directly. Native epoll where Netty
 * has it (Linux): a leaner event loop than NIO's, and listening sockets that can be handed to
 * another gateway process ({@link SocketHandOff}); elsewhere NIO.
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
    private final List<Channel> listeners = new CopyOnWriteArrayList<>();

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
        ServerBootstrap bootstrap = serving(router, balancer)
                .channel(serverChannelType())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true);
        if (epoll && config.sharedPorts()) {
            // Another gateway process may bind the port too (one of an Apollo that shared ports that way); the control
            // plane checks itself that no one else holds it.
            bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
        }
        ChannelFuture bound = bootstrap.bind(where.host(), where.port()).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable failure = bound.cause();
            throw new GatewayException("cannot listen on " + where.host() + ":" + where.port() + " (" + failure.getMessage()
                    + "); is another gateway running? Choose another port with " + where.flag() + " HOST:PORT", failure);
        }
        listeners.add(bound.channel());
        return ((InetSocketAddress) bound.channel().localAddress()).getPort();
    }

    /** A listener of its own on a free loopback port, for {@link StandbyWarmUp}: never handed to another process. */
    Channel bindLoopback(RoutingHandler router, Balancer balancer) {
        return bindLoopback(serving(router, balancer));
    }

    /** A plain server of its own on a free loopback port (the warm-up's backend). */
    Channel bindLoopback(ChannelInitializer<SocketChannel> server) {
        return bindLoopback(new ServerBootstrap().group(group).childHandler(server));
    }

    private Channel bindLoopback(ServerBootstrap bootstrap) {
        ChannelFuture bound = bootstrap.channel(serverChannelType()).bind("127.0.0.1", 0).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new GatewayException("cannot listen on loopback: " + bound.cause().getMessage(), bound.cause());
        }
        return bound.channel();
    }

    private Class<? extends ServerChannel> serverChannelType() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** Serves {@code router} on a socket that listens already (one taken from another gateway process). */
    void serve(EpollServerSocketChannel listening, RoutingHandler router, Balancer balancer) {
        ChannelFuture registered = serving(router, balancer).channelFactory(() -> listening).register().awaitUninterruptibly();
        if (!registered.isSuccess()) {
            throw new GatewayException("cannot serve on " + listening.localAddress() + ": " + registered.cause().getMessage(),
                    registered.cause());
        }
        listeners.add(listening);
    }

    private ServerBootstrap serving(RoutingHandler router, Balancer balancer) {
        Listener listener = new Listener(router, pools, balancer, config.backendTimeout().toNanos(), config.externalTimeout().toNanos());
        return new ServerBootstrap()
                .group(group)
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
    }

    /** Whether listening sockets can be handed to and taken from other processes (Netty's epoll transport). */
    boolean handsOffSockets() {
        return epoll;
    }

    EventLoopGroup group() {
        return group;
    }

    /**
     * The descriptors of the sockets it listens on, in the order they were opened: what it hands to
     * a process that starts beside it.
     */
    List<Integer> listeningSockets() {
        return listeners.stream().filter(c -> c instanceof EpollServerSocketChannel)
                .map(c -> ((EpollServerSocketChannel) c).fd().intValue()).toList();
    }

    /** Stops accepting: another process holding the same listening sockets takes the connections that queue. */
    void closeListeners() {
        listeners.forEach(listening -> listening.close().awaitUninterruptibly(2, TimeUnit.SECONDS));
    }

    @Override
    public void close() {
        resolver.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
