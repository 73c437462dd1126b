package dev.apollo.gateway;

import dev.apollo.routing.Decision.Proxied;
import dev.apollo.routing.Reject;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * One client connection: its requests routed and proxied one at a time, in order. Requests a client
 * pipelines behind one in progress wait, decoded, until its answer has ended (and reading pauses
 * meanwhile); the body of a request that was answered before its end is read and dropped.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter {
    /** Why reading from the client is paused: pipelined requests wait, or the backend cannot take more body. */
    enum Hold { PIPELINED, BACKEND_FULL }

    private final Listener listener;
    private Channel channel;
    private BackendPools pools;
    private String clientIp;
    /** The request being proxied: from its head until its answer has ended. */
    private ProxyExchange exchange;
    /** Once a WebSocket was accepted: the exchange whose backend takes every byte. */
    private ProxyExchange tunnel;
    private ArrayDeque<HttpObject> waiting;
    private Channel flushTarget;
    /** Inside a read batch from the client: what it writes elsewhere is flushed once, when the batch ends. */
    private boolean reading;
    private int holds;
    private boolean closing;

    ClientConnection(Listener listener) {
        this.listener = listener;
    }

    Channel channel() {
        return channel;
    }

    BackendPools pools() {
        return pools;
    }

    Balancer balancer() {
        return listener.balancer();
    }

    String clientIp() {
        return clientIp;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        pools = listener.pools(channel.eventLoop());
        if (channel.remoteAddress() instanceof InetSocketAddress remote && remote.getAddress() != null) {
            clientIp = remote.getAddress().getHostAddress();
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = true;
        if (tunnel != null) {
            if (msg instanceof ByteBuf bytes) {
                tunnel.tunnelFromClient(bytes);
            } else {
                ReferenceCountUtil.release(msg);
            }
            return;
        }
        if (closing || !(msg instanceof HttpObject object)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if ((waiting != null && !waiting.isEmpty()) || (msg instanceof HttpRequest && exchange != null)) {
            if (waiting == null) {
                waiting = new ArrayDeque<>();
            }
            waiting.add(object); // pipelined: served after the answer in progress
            holdReading(Hold.PIPELINED, true);
            return;
        }
        dispatch(object);
    }

    private void dispatch(HttpObject msg) {
        if (msg instanceof HttpRequest request) {
            start(request);
        }
        if (msg instanceof HttpContent content) {
            ProxyExchange current = exchange;
            if (current != null && !current.requestDone()) {
                current.requestContent(content);
            } else {
                content.release(); // the body of a request already answered (or that needs none)
            }
        }
    }

    private void start(HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            answerAndClose(ProtocolErrors.invalid(request.decoderResult().cause()), request);
            return;
        }
        Reject refused = ProtocolErrors.hostProblem(request);
        if (refused == null) {
            refused = ProtocolErrors.targetProblem(request);
        }
        if (refused != null) {
            answerAndClose(refused, request);
            return;
        }
        RoutingHandler router = listener.router();
        switch (router.resolve(request)) {
            case Reject reject -> answer(reject, request, HttpUtil.isKeepAlive(request), null);
            case Proxied proxied -> {
                exchange = new ProxyExchange(this, request, proxied, router.setCookie(proxied), router.webSockets(),
                        listener.timeoutNanos(proxied));
                exchange.start();
            }
        }
    }

    /** One read batch, one flush to the backend it went to. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        flushNow();
    }

    /**
     * Flushes {@code target} (a backend's connection) once the client's read batch has ended, or now
     * outside one (a pipelined request served when the answer before it ended, a retry): a request's
     * head and the body that came with it leave in one write, one segment for the backend to read.
     */
    void flushSoon(Channel target) {
        if (!reading) {
            target.flush();
            return;
        }
        if (flushTarget != null && flushTarget != target) {
            flushTarget.flush();
        }
        flushTarget = target;
    }

    private void flushNow() {
        Channel target = flushTarget;
        if (target != null) {
            flushTarget = null;
            target.flush();
        }
    }

    /** The exchange's answer has ended: the next pipelined request, if any, goes now. */
    void exchangeEnded(ProxyExchange ended) {
        if (exchange != ended) {
            return;
        }
        exchange = null;
        holdReading(Hold.BACKEND_FULL, false); // that backend connection is done with
        if (!ended.keepAlive) {
            closeAfterWrites();
            return;
        }
        serveWaiting();
    }

    /** The gateway's own answer to a proxied request that failed, in place of the backend's. */
    void answerWithError(ProxyExchange failed, Reject reject, String setCookie) {
        if (exchange != failed) {
            return;
        }
        exchange = null;
        holdReading(Hold.BACKEND_FULL, false);
        answer(reject, null, failed.keepAlive, setCookie);
        if (failed.keepAlive) {
            serveWaiting();
        }
    }

    private void answer(Reject reject, HttpRequest request, boolean keepAlive, String setCookie) {
        FullHttpResponse response = ErrorReplies.response(reject, request != null && request.method() == HttpMethod.HEAD);
        if (setCookie != null) {
            response.headers().add(HttpHeaderNames.SET_COOKIE, setCookie);
        }
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            closing = true;
            channel.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        channel.writeAndFlush(response, channel.voidPromise());
    }

    /** A request HTTP itself refuses: answered, then the connection closed, as nothing after it can be trusted. */
    private void answerAndClose(Reject reject, HttpRequest request) {
        answer(reject, request, false, null);
        releaseWaiting();
    }

    private void serveWaiting() {
        if (waiting == null) {
            return;
        }
        HttpObject next;
        while (!closing && (next = waiting.peek()) != null && !(next instanceof HttpRequest && exchange != null)) {
            waiting.poll();
            dispatch(next);
        }
        if (waiting.isEmpty()) {
            holdReading(Hold.PIPELINED, false);
        }
    }

    /** After a 101: no more HTTP on this connection, only bytes to and from the backend. */
    void becomeTunnel(ProxyExchange accepted) {
        tunnel = accepted;
        releaseWaiting();
        holds = 0;
        channel.pipeline().remove("encoder");
        channel.pipeline().remove("decoder"); // what it holds still (early frames) comes to channelRead as bytes
        channel.config().setAutoRead(true);
    }

    void holdReading(Hold why, boolean hold) {
        int bit = 1 << why.ordinal();
        int before = holds;
        holds = hold ? holds | bit : holds & ~bit;
        if ((before == 0) != (holds == 0)) {
            channel.config().setAutoRead(holds == 0);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ProxyExchange current = tunnel != null ? tunnel : exchange;
        if (current != null) {
            current.clientWritabilityChanged(channel.isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        // Idle for the listener's idle time: a kept-alive connection nobody uses is closed (a request in progress
        // has its backend's timeout instead).
        if (event instanceof IdleStateEvent && exchange == null && tunnel == null) {
            ctx.close();
            return;
        }
        ReferenceCountUtil.release(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        ProxyExchange current = tunnel != null ? tunnel : exchange;
        exchange = null;
        if (current != null) {
            current.clientGone();
        }
        releaseWaiting();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Clients that reset connections are routine for a gateway, not news for its log.
        ctx.close();
    }

    private void closeAfterWrites() {
        closing = true;
        releaseWaiting();
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private void releaseWaiting() {
        if (waiting != null) {
            HttpObject msg;
            while ((msg = waiting.poll()) != null) {
                ReferenceCountUtil.release(msg);
            }
        }
    }
}
