package dev.apollo.gateway;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * One connection to a backend (or an external), owned by one event loop: it serves one exchange at
 * a time ({@link #exchange} set) and waits in its loop's {@link BackendPools} in between.
 */
final class BackendConnection extends ChannelInboundHandlerAdapter {
    final BackendPools pools;
    final String key;
    Channel channel;
    /** The exchange it serves; null while idle. */
    ProxyExchange exchange;
    /** The client connection written to since the last flush: flushed once per read batch. */
    Channel flushTarget;
    long idleSince;

    BackendConnection(BackendPools pools, String key) {
        this.pools = pools;
        this.key = key;
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
