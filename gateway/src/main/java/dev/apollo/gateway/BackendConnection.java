package dev.apollo.gateway;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection to a backend (or an external), owned by one event loop: it serves one exchange at
 * a time ({@link #exchange} set) and waits in its loop's {@link BackendPools} in between.
 */
final class BackendConnection extends ChannelInboundHandlerAdapter {
    /** How often per timeout the exchange in progress is looked at for silence (see {@link ProxyExchange#look}). */
    static final int LOOKS_PER_TIMEOUT = 4;

    final BackendPools pools;
    final String key;
    Channel channel;
    /** The exchange it serves; null while idle. */
    ProxyExchange exchange;
    /** The client connection written to since the last flush: flushed once per read batch. */
    Channel flushTarget;
    long idleSince;
    /** Looks at the exchange in progress while there is one; stops itself once the connection is idle. */
    private ScheduledFuture<?> watch;
    private long lookEveryNanos;

    BackendConnection(BackendPools pools, String key) {
        this.pools = pools;
        this.key = key;
    }

    /** Makes sure the exchange just attached, with {@code timeoutNanos}, is looked at often enough. */
    void watch(long timeoutNanos) {
        long every = Math.max(1, timeoutNanos / LOOKS_PER_TIMEOUT);
        if (watch != null && lookEveryNanos <= every) {
            return; // already looking (a connection reused at once keeps one watch, not one per request)
        }
        stopWatching();
        lookEveryNanos = every;
        watch = channel.eventLoop().scheduleAtFixedRate(this::look, every, every, TimeUnit.NANOSECONDS);
    }

    void stopWatching() {
        if (watch != null) {
            watch.cancel(false);
            watch = null;
        }
    }

    private void look() {
        ProxyExchange current = exchange;
        if (current == null) {
            stopWatching(); // idle in its pool: the next exchange starts it again
            return;
        }
        current.look(this);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ProxyExchange current = exchange;
        if (current == null) {
            ReferenceCountUtil.release(msg); // bytes on an idle connection: it cannot be trusted any more
            ctx.close();
            return;
        }
        current.fromBackend(this, msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Channel target = flushTarget;
        if (target != null) {
            flushTarget = null;
            target.flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ProxyExchange current = exchange;
        if (current != null) {
            current.backendWritabilityChanged(ctx.channel().isWritable());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stopWatching();
        channelReadComplete(ctx);
        ProxyExchange current = exchange;
        if (current != null) {
            exchange = null;
            current.backendLost(this, null);
        } else {
            pools.forget(this);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ProxyExchange current = exchange;
        if (current != null) {
            exchange = null;
            current.backendLost(this, cause);
        }
        ctx.close();
    }
}
