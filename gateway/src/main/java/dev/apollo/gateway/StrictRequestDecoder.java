package dev.apollo.gateway;

import io.netty.channel.ChannelPipeline;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Vert.x's HTTP/1 request decoder, but a request with both Content-Length and Transfer-Encoding is
 * refused as malformed instead of read by its chunks (RFC 9112 §6.3: such a message "ought to be
 * handled as an error", and the connection closed after it): a front end and a back end that read
 * it differently are how requests are smuggled. Netty would drop the Content-Length and go on; here
 * the decoder fails the request (our invalid-request handler answers 400 and closes) and discards
 * whatever follows on the connection. An unreadable request, or one of an HTTP version other than
 * 1.0 and 1.1, is answered as HTTP/1.1 (Netty's invalid message is 1.0, and Vert.x answers a
 * request line's version in kind: "HTTP/9.9 501").
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {
    private static final String NAME = "httpDecoder"; // what Vert.x names its decoder in the pipeline

    private StrictRequestDecoder(HttpServerOptions options) {
        super(options);
    }

    /** Puts the strict decoder in place of Vert.x's on a new connection (before it has read a byte). */
    static void install(HttpConnection connection, HttpServerOptions options) {
        if (connection instanceof ConnectionBase base) {
            ChannelPipeline pipeline = base.channel().pipeline();
            if (pipeline.get(NAME) instanceof VertxHttpRequestDecoder && !(pipeline.get(NAME) instanceof StrictRequestDecoder)) {
                pipeline.replace(NAME, NAME, new StrictRequestDecoder(options));
            }
        }
    }

    /** A request line naming an HTTP version other than 1.0 and 1.1 (Vert.x would answer it "HTTP/9.9 501"). */
    static final class UnsupportedVersion extends IllegalArgumentException {
        private final String version;

        UnsupportedVersion(String version) {
            super("HTTP version " + version + " is not supported; send HTTP/1.1");
            this.version = version;
        }

        String version() {
            return version;
        }
    }

    @Override
    protected HttpMessage createMessage(String[] initialLine) {
        String version = initialLine[2];
        if (version.startsWith("HTTP/") && !version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw new UnsupportedVersion(version);
        }
        return super.createMessage(initialLine);
    }

    /** What Vert.x answers an unreadable request on: HTTP/1.1, so the answer's status line says so (Netty's is 1.0). */
    @Override
    protected HttpMessage createInvalidMessage() {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/bad-request", Unpooled.buffer(0));
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw new IllegalArgumentException("the request has both Content-Length and Transfer-Encoding; send one of them");
    }
}
