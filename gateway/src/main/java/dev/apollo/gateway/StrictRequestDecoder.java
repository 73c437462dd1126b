package dev.apollo.gateway;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * Netty's HTTP/1 request decoder, but a request with both Content-Length and Transfer-Encoding is
 * refused as malformed instead of read by its chunks (RFC 9112 §6.3: such a message "ought to be
 * handled as an error", and the connection closed after it): a front end and a back end that read
 * it differently are how requests are smuggled. Netty would drop the Content-Length and go on; here
 * the decoder fails the request (the client connection answers 400 and closes) and discards
 * whatever follows on the connection. A request line naming an HTTP version other than 1.0 and 1.1
 * fails too (Netty would take any HTTP/x.y), answered 505.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {
    /** nginx's limits (large_client_header_buffers 4 8k): a request line of up to 8 KB, headers of 32 KB. */
    static final int MAX_REQUEST_LINE = 8192;
    static final int MAX_HEADERS = 32 * 1024;

    StrictRequestDecoder() {
        super(new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_REQUEST_LINE)
                .setMaxHeaderSize(MAX_HEADERS)
                // Larger body pieces than Netty's 8 KB: fewer writes for a large body, still no copy (slices).
                .setMaxChunkSize(64 * 1024));
    }

    /** A request line naming an HTTP version other than 1.0 and 1.1. */
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
    protected HttpMessage createMessage(String[] initialLine) throws Exception {
        String version = initialLine[2];
        if (version.startsWith("HTTP/") && !version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw new UnsupportedVersion(version);
        }
        return super.createMessage(initialLine);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw new IllegalArgumentException("the request has both Content-Length and Transfer-Encoding; send one of them");
    }
}
