package dev.apollo.gateway;

import dev.apollo.routing.Backend;
import dev.apollo.routing.Decision.Forward;
import dev.apollo.routing.Decision.Proxied;
import dev.apollo.routing.Decision.ToExternal;
import dev.apollo.routing.ExternalEndpoint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.ConnectException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One request carried to where its routing decision says, and its answer carried back, streaming
 * both ways, on the event loop of the client's connection. Netty's decoded message objects cross
 * as they are: headers changed in place (hop-by-hop out, X-Forwarded-* and Via in), bodies passed
 * as the buffers they arrived in, flushed once per read batch.
 *
 * <p>Retries, as nginx's {@code proxy_next_upstream error}: a backend that could not be connected to
 * is replaced by another whatever the method (nothing was sent); one that closed or reset the
 * connection before any byte of an answer is replaced only for an idempotent request without a body
 * (it may have reached the backend: only a request that means the same when repeated may be sent
 * twice, and a body already streamed there cannot be sent again). A timeout is never retried.
 */
final class ProxyExchange {
    static final AsciiString X_APOLLO_ENV = AsciiString.cached("x-apollo-env");
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    private static final AsciiString HTTP = AsciiString.cached("http");
    private static final String OUR_VIA = "1.1 apollo";
    private static final AsciiString OUR_VIA_VALUE = AsciiString.cached(OUR_VIA);
    private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
            HttpMethod.TRACE, HttpMethod.PUT, HttpMethod.DELETE);
    /** The most backends one request is sent to (nginx: every one of the upstream; we bound it). */
    private static final int MAX_BACKENDS = 3;

    private final ClientConnection client;
    private final HttpRequest request;
    private final HttpMethod method;
    private final Proxied decision;
    private final String setCookie;
    private final boolean http10;
    private final boolean hasBody;
    private final boolean webSocket;
    private final boolean expectsContinue;
    private final long timeoutNanos;
    /** Whether the client's connection stays open after this answer. */
    boolean keepAlive;
    private List<Backend> tried;
    private BackendConnection backend;
    /** Body read from the client before a backend connection was there to take it. */
    private ArrayDeque<HttpContent> pendingBody;
    private boolean requestDone;
    private boolean responseStarted;
    private boolean backendKeepAlive;
    private boolean skippingInterim;
    private boolean tunnel;
    private boolean clientGone;
    private boolean over;
    /** Something crossed since the backend connection's last look ({@link #look}): the exchange is not silent. */
    private boolean active;
    private int quietLooks;

    ProxyExchange(ClientConnection client, HttpRequest request, Proxied decision, String setCookie, boolean webSockets,
            long timeoutNanos) {
        this.client = client;
        this.request = request;
        this.method = request.method();
        this.decision = decision;
        this.setCookie = setCookie;
        this.http10 = request.protocolVersion() == HttpVersion.HTTP_1_0;
        this.keepAlive = HttpUtil.isKeepAlive(request);
        HttpHeaders headers = request.headers();
        this.hasBody = hasBody(headers);
        this.webSocket = webSockets && decision instanceof Forward && isWebSocketHandshake(request);
        this.expectsContinue = !http10 && hasBody && headers.containsValue(HttpHeaderNames.EXPECT, HttpHeaderValues.CONTINUE, true);
        this.requestDone = !hasBody; // the client's (empty) end of a bodiless request is not waited for
        this.timeoutNanos = timeoutNanos;
        prepareRequest(headers);
    }

    /** Rewrites the request, in place, into what the backend or external is sent. */
    private void prepareRequest(HttpHeaders headers) {
        String priorVia = HopByHop.joined(headers, HttpHeaderNames.VIA);
        String upgrade = webSocket ? headers.get(HttpHeaderNames.UPGRADE) : null;
        if (decision instanceof Forward forward) {
            String priorFor = HopByHop.joined(headers, X_FORWARDED_FOR);
            String authority = RoutingHandler.authority(request);
            HopByHop.strip(headers);
            String clientIp = client.clientIp();
            if (clientIp != null) {
                headers.set(X_FORWARDED_FOR, priorFor == null ? clientIp : priorFor + ", " + clientIp);
            }
            headers.set(X_FORWARDED_PROTO, HTTP);
            if (authority != null) {
                headers.set(X_FORWARDED_HOST, authority);
            }
            headers.set(X_APOLLO_ENV, forward.environment());
        } else {
            HopByHop.strip(headers);
            headers.remove(X_APOLLO_ENV); // our environment names are not a 3rd party's business
        }
        headers.remove(HttpHeaderNames.EXPECT); // we answer the 100-continue ourselves
        if (priorVia == null) {
            headers.set(HttpHeaderNames.VIA, OUR_VIA_VALUE);
        } else {
            headers.set(HttpHeaderNames.VIA, priorVia + ", " + OUR_VIA);
        }
        if (webSocket) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            headers.set(HttpHeaderNames.UPGRADE, upgrade);
        }
        if (hasBody && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        request.setUri(decision.uri().isEmpty() ? RoutingHandler.originForm(request.uri()) : decision.uri());
    }

    /** Sends the request on its way: to a pooled connection at once, or once a new one is connected. */
    void start() {
        switch (decision) {
            case Forward forward -> openBackend(forward);
            case ToExternal external -> openExternal(external.endpoint());
        }
    }

    private void openBackend(Forward forward) {
        if (tried == null) {
            tried = new ArrayList<>(2);
        }
        Balancer balancer = client.balancer();
        Backend first = tried.isEmpty() ? balancer.pick(forward.pool()) : balancer.pickOther(forward.pool(), tried);
        if (first == null) {
            answerWithError(new BackendsUnreachable(addresses(), null));
            return;
        }
        connectTo(forward, first, true);
    }

    /** {@code mayTryAnother}: a failed connect is tried once more on another backend, as nothing was sent. */
    private void connectTo(Forward forward, Backend target, boolean mayTryAnother) {
        tried.add(target);
        // The table's own address string is the pool's key: its hash is computed once, not per request.
        reach(target.address(), target.host(), target.port(), false, target.address(), failure -> {
            noteFailure(target, failure);
            Backend other = mayTryAnother ? client.balancer().pickOther(forward.pool(), tried) : null;
            if (other == null) {
                answerWithError(new BackendsUnreachable(addresses(), failure));
            } else {
                connectTo(forward, other, false);
            }
        });
    }

    private void openExternal(ExternalEndpoint endpoint) {
        String hostHeader = endpoint.port() == (endpoint.tls() ? 443 : 80) ? endpoint.host() : endpoint.host() + ":" + endpoint.port();
        reach(BackendPools.key(endpoint.host(), endpoint.port(), endpoint.tls()), endpoint.host(), endpoint.port(), endpoint.tls(),
                hostHeader, failure -> answerWithError(new ExternalUnreachable(endpoint, failure)));
    }

    /**
     * Attaches to an idle pooled connection to {@code key} at once, else to a new one once connected;
     * {@code failed} is told why none could be had, unless the client has gone meanwhile.
     */
    private void reach(String key, String host, int port, boolean tls, String hostHeader, Consumer<Throwable> failed) {
        BackendPools pools = client.pools();
        BackendConnection pooled = pools.poll(key);
        if (pooled != null) {
            attach(pooled, hostHeader);
            return;
        }
        ChannelFuture connecting = pools.connect(key, host, port, tls);
        connecting.addListener(done -> {
            if (done.isSuccess()) {
                connected(connecting.channel(), hostHeader);
            } else if (!clientGone) {
                failed.accept(done.cause());
            }
        });
    }

    private void connected(Channel channel, String hostHeader) {
        BackendConnection connection = channel.pipeline().get(BackendConnection.class);
        if (clientGone || over) {
            connection.pools.release(connection); // a good connection for the next request
            return;
        }
        attach(connection, hostHeader);
    }

    private void attach(BackendConnection connection, String hostHeader) {
        backend = connection;
        connection.exchange = this;
        Channel channel = connection.channel;
        request.headers().set(HttpHeaderNames.HOST, hostHeader);
        channel.write(request, channel.voidPromise());
        if (!hasBody) {
            channel.write(LastHttpContent.EMPTY_LAST_CONTENT, channel.voidPromise());
        } else {
            if (expectsContinue && !requestDone) {
                // The client waits for it before sending the body (nginx sends it too).
                client.channel().writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                        Unpooled.EMPTY_BUFFER));
            }
            if (pendingBody != null) {
                HttpContent content;
                while ((content = pendingBody.poll()) != null) {
                    channel.write(content, channel.voidPromise());
                }
            }
        }
        client.flushSoon(channel);
        active = true;
        connection.watch(timeoutNanos);
    }

    /** A piece of the request's body from the client. */
    void requestContent(HttpContent content) {
        if (content instanceof LastHttpContent) {
            requestDone = true;
        }
        BackendConnection connection = backend;
        if (connection != null) {
            connection.channel.write(content, connection.channel.voidPromise());
            client.flushSoon(connection.channel);
            active = true;
        } else if (over) {
            content.release();
        } else {
            if (pendingBody == null) {
                pendingBody = new ArrayDeque<>();
            }
            pendingBody.add(content);
        }
    }

    boolean requestDone() {
        return requestDone;
    }

    /** Raw bytes from the client once a WebSocket was accepted. */
    void tunnelFromClient(ByteBuf bytes) {
        BackendConnection connection = backend;
        if (connection == null) {
            bytes.release();
            return;
        }
        connection.channel.write(bytes, connection.channel.voidPromise());
        client.flushSoon(connection.channel);
    }

    /** What the backend sent: the answer's head, pieces of its body, or (after a 101) raw bytes. */
    void fromBackend(BackendConnection connection, Object msg) {
        if (tunnel) {
            if (msg instanceof ByteBuf bytes) {
                client.channel().write(bytes, client.channel().voidPromise());
                connection.flushTarget = client.channel();
            } else {
                ReferenceCountUtil.release(msg);
            }
            return;
        }
        if (!(msg instanceof HttpObject object)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        active = true;
        if (object.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            Throwable cause = object.decoderResult().cause();
            connection.exchange = null;
            connection.channel.close();
            backendLost(connection, new IOException("its answer could not be read: " + cause.getMessage(), cause));
            return;
        }
        if (msg instanceof HttpResponse response) {
            int status = response.status().code();
            if (status == 101 && webSocket) {
                tunnel(connection, response);
                return;
            }
            if (status < 200) {
                skippingInterim = true; // 100, 103: ours to drop; the final answer follows
            } else {
                answer(connection, response);
            }
        }
        if (msg instanceof HttpContent content) {
            if (skippingInterim) {
                content.release();
                if (content instanceof LastHttpContent) {
                    skippingInterim = false;
                }
                return;
            }
            client.channel().write(content, client.channel().voidPromise());
            connection.flushTarget = client.channel();
            if (content instanceof LastHttpContent) {
                responseEnded(connection);
            }
        }
    }

    /** The answer's status line and headers, fitted to the client's connection. */
    private void answer(BackendConnection connection, HttpResponse response) {
        responseStarted = true;
        backendKeepAlive = HttpUtil.isKeepAlive(response);
        HttpHeaders headers = response.headers();
        passOn(response);
        if (setCookie != null) {
            headers.add(HttpHeaderNames.SET_COOKIE, setCookie);
        }
        int status = response.status().code();
        boolean bodiless = method == HttpMethod.HEAD || status == 204 || status == 304;
        if (!bodiless && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            if (http10) {
                // An HTTP/1.0 client knows no chunks: the body streams as it comes and its end is the connection's.
                keepAlive = false;
            } else {
                headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        }
        if (!keepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        client.channel().write(response, client.channel().voidPromise());
        connection.flushTarget = client.channel();
    }

    /**
     * What every answer from a backend gets on its way to the client: its hop-by-hop headers gone (read
     * what is needed of them first), this gateway in Via, a Date when it has none, an HTTP/1.1 status line.
     */
    private static void passOn(HttpResponse response) {
        HttpHeaders headers = response.headers();
        String priorVia = HopByHop.joined(headers, HttpHeaderNames.VIA);
        HopByHop.strip(headers);
        headers.set(HttpHeaderNames.VIA, priorVia == null ? OUR_VIA_VALUE : priorVia + ", " + OUR_VIA);
        if (!headers.contains(HttpHeaderNames.DATE)) {
            headers.set(HttpHeaderNames.DATE, HttpDate.now());
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
    }

    /** A WebSocket the backend accepted: from now on raw bytes both ways until either side closes. */
    private void tunnel(BackendConnection connection, HttpResponse response) {
        connection.stopWatching(); // a WebSocket may be quiet as long as it likes
        responseStarted = true;
        HttpHeaders headers = response.headers();
        String upgrade = headers.get(HttpHeaderNames.UPGRADE);
        passOn(response);
        headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        if (upgrade != null) {
            headers.set(HttpHeaderNames.UPGRADE, upgrade);
        }
        tunnel = true;
        // The 101 goes out through the HTTP encoder, then both sides drop their HTTP codecs: what either decoder
        // still holds comes out as raw bytes, to the other side.
        client.channel().write(response, client.channel().voidPromise());
        client.becomeTunnel(this);
        connection.channel.pipeline().remove(HttpClientCodec.class);
        connection.flushTarget = null;
        client.channel().flush();
        connection.channel.flush();
    }

    private void responseEnded(BackendConnection connection) {
        backend = null;
        over = true;
        if (backendKeepAlive && requestDone) {
            connection.pools.release(connection);
        } else {
            connection.exchange = null;
            connection.channel.close(); // an answer before the whole body: the connection's state is unknown
        }
        client.exchangeEnded(this);
    }

    /** The backend's connection closed or failed before the exchange ended ({@code cause} null: closed). */
    void backendLost(BackendConnection connection, Throwable cause) {
        if (connection != backend) {
            return;
        }
        backend = null;
        if (tunnel) {
            client.channel().writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        failed(cause == null ? new IOException("Connection closed") : cause);
    }

    private void failed(Throwable failure) {
        if (clientGone || over) {
            return;
        }
        if (decision instanceof Forward forward && tried != null && !tried.isEmpty()) {
            noteFailure(tried.getLast(), failure);
            if (retriable(failure) && tried.size() < Math.min(MAX_BACKENDS, forward.pool().size())) {
                openBackend(forward);
                return;
            }
        }
        if (responseStarted) {
            over = true;
            client.channel().close(); // the answer cannot be finished: the client must see it cut
            return;
        }
        answerWithError(failure);
    }

    /** Whether the request may go to another backend after {@code failure} on one that was sent it. */
    private boolean retriable(Throwable failure) {
        return !(failure instanceof TimeoutException) && !hasBody && !webSocket && !responseStarted
                && IDEMPOTENT.contains(method);
    }

    private void answerWithError(Throwable failure) {
        if (clientGone || over) {
            return;
        }
        over = true;
        releasePendingBody();
        client.answerWithError(this, ErrorReplies.proxyFailure(decision, failure), setCookie);
    }

    /**
     * The backend connection's look at this exchange, {@link BackendConnection#LOOKS_PER_TIMEOUT} times
     * per timeout: after that many looks in a row with nothing crossing, it has been silent for at least
     * the timeout (and at most a look longer), and fails. A look costs nothing per request, where a timer
     * per request, and the clock read on every message to restart it, were a measurable part of its CPU.
     */
    void look(BackendConnection connection) {
        if (over || tunnel || connection != backend) {
            return;
        }
        if (active) {
            active = false;
            quietLooks = 0;
            return;
        }
        if (++quietLooks < BackendConnection.LOOKS_PER_TIMEOUT) {
            return;
        }
        backend = null;
        connection.exchange = null;
        connection.channel.close();
        failed(new TimeoutException("no answer within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
    }

    /** The client's connection closed: the backend need not go on for nobody. */
    void clientGone() {
        clientGone = true;
        over = true;
        releasePendingBody();
        BackendConnection connection = backend;
        if (connection != null) {
            backend = null;
            connection.exchange = null;
            connection.channel.close(); // mid-exchange: its state is unknown, it is not pooled
        }
    }

    /** The client's connection can take more (or not): the backend's answer is read on (or held). */
    void clientWritabilityChanged(boolean writable) {
        BackendConnection connection = backend;
        if (connection != null) {
            connection.channel.config().setAutoRead(writable);
        }
    }

    /** The backend's connection can take more of the request body (or not). */
    void backendWritabilityChanged(boolean writable) {
        client.holdReading(ClientConnection.Hold.BACKEND_FULL, !writable);
    }

    private void noteFailure(Backend target, Throwable failure) {
        // Only a failed connect says the backend is gone; a closed connection may be one it kept too long.
        if (failure instanceof ConnectException) {
            client.balancer().eject(target);
        }
    }

    private void releasePendingBody() {
        if (pendingBody != null) {
            HttpContent content;
            while ((content = pendingBody.poll()) != null) {
                content.release();
            }
        }
    }

    private List<String> addresses() {
        List<String> addresses = new ArrayList<>();
        if (tried != null) {
            tried.forEach(b -> addresses.add(b.address()));
        }
        return addresses;
    }

    private static boolean hasBody(HttpHeaders headers) {
        String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (length != null) {
            return !length.equals("0");
        }
        return headers.contains(HttpHeaderNames.TRANSFER_ENCODING);
    }

    /** As a WebSocket server reads it (RFC 6455 §4.2.1): an HTTP/1.1 GET with Connection: Upgrade and Upgrade: websocket. */
    private static boolean isWebSocketHandshake(HttpRequest request) {
        HttpHeaders headers = request.headers();
        return request.protocolVersion() == HttpVersion.HTTP_1_1 && request.method() == HttpMethod.GET
                && headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && headers.contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }
}
