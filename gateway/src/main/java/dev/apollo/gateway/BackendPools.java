package dev.apollo.gateway;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.resolver.AddressResolverGroup;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The keep-alive connections of one event loop to backends and externals, by address: a request
 * and the backend connection it uses stay on the thread of the client's connection (as Zuul's and
 * Netty's proxy example do), so no lock and no hand-off between threads. Touched only from its loop.
 */
final class BackendPools {
    /** Below the usual 30 s idle limit of backends, so we drop a connection before they do. */
    private static final long KEEP_IDLE_NANOS = TimeUnit.SECONDS.toNanos(15);

    private final EventLoop loop;
    private final Class<? extends Channel> channelType;
    private final int connectTimeoutMillis;
    private final int maxIdlePerAddress;
    private final SslContext tls;
    private final AddressResolverGroup<InetSocketAddress> resolver;
    private final Map<String, ArrayDeque<BackendConnection>> idle = new HashMap<>();

    BackendPools(EventLoop loop, Class<? extends Channel> channelType, int connectTimeoutMillis, int maxIdlePerAddress,
            SslContext tls, AddressResolverGroup<InetSocketAddress> resolver) {
        this.loop = loop;
        this.channelType = channelType;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.maxIdlePerAddress = maxIdlePerAddress;
        this.tls = tls;
        this.resolver = resolver;
    }

    static String key(String host, int port, boolean tls) {
        return (tls ? "tls:" : "") + host + ":" + port;
    }

    /** An open idle connection to {@code key}, the most recently used first; null when there is none. */
    BackendConnection poll(String key) {
        ArrayDeque<BackendConnection> connections = idle.get(key);
        if (connections == null) {
            return null;
        }
        long now = System.nanoTime();
        BackendConnection connection;
        while ((connection = connections.pollLast()) != null) {
            if (connection.channel.isActive() && now - connection.idleSince < KEEP_IDLE_NANOS) {
                return connection;
            }
            connection.channel.close();
        }
        return null;
    }

    /** Back to the pool after a whole exchange, or closed when the pool of that address is full. */
    void release(BackendConnection connection) {
        connection.exchange = null;
        ArrayDeque<BackendConnection> connections = idle.computeIfAbsent(connection.key, k -> new ArrayDeque<>());
        if (connections.size() >= maxIdlePerAddress || !connection.channel.isActive()) {
            connection.channel.close();
            return;
        }
        connection.idleSince = System.nanoTime();
        connection.channel.config().setAutoRead(true); // an idle connection must see its backend close it
        connections.addLast(connection);
    }

    /** A closed idle connection; an address left with none is dropped (instances come and go with their ports). */
    void forget(BackendConnection connection) {
        ArrayDeque<BackendConnection> connections = idle.get(connection.key);
        if (connections != null && connections.remove(connection) && connections.isEmpty()) {
            idle.remove(connection.key);
        }
    }

    /**
     * A new connection to {@code host:port}, pooled under {@code key} once released; TLS-handshaken
     * (with the host named, SNI, and its certificate checked against it) when {@code useTls}. The
     * promise fails with why it could not be had.
     */
    ChannelFuture connect(String key, String host, int port, boolean useTls) {
        BackendConnection handler = new BackendConnection(this, key);
        ChannelFuture connected = new Bootstrap()
                .group(loop)
                .channel(channelType)
                .resolver(resolver)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (useTls) {
                            channel.pipeline().addLast("tls", tls.newHandler(channel.alloc(), host, port));
                        }
                        channel.pipeline().addLast("codec", new HttpClientCodec(new HttpDecoderConfig()
                                .setMaxInitialLineLength(8192)
                                .setMaxHeaderSize(64 * 1024)
                                .setMaxChunkSize(64 * 1024), false, false));
                        channel.pipeline().addLast("backend", handler);
                    }
                })
                .connect(host, port);
        if (!useTls) {
            return connected;
        }
        ChannelPromise handshaken = connected.channel().newPromise();
        connected.addListener(done -> {
            if (!done.isSuccess()) {
                handshaken.setFailure(done.cause());
                return;
            }
            connected.channel().pipeline().get(SslHandler.class).handshakeFuture().addListener(handshake -> {
                if (handshake.isSuccess()) {
                    handshaken.setSuccess();
                } else {
                    connected.channel().close();
                    handshaken.setFailure(handshake.cause());
                }
            });
        });
        return handshaken;
    }
}
