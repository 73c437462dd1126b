package dev.apollo.gateway;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.List;

/**
 * Which headers cross the gateway (RFC 9110 §7.6.1): hop-by-hop headers, and every header the
 * {@code Connection} header names, belong to one connection and stay on our side of it; the rest
 * crosses as it came, in its order. Works in place on the message Netty decoded, which is then
 * sent on: nothing is copied.
 */
final class HopByHop {
    private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    private static final AsciiString HTTP2_SETTINGS = AsciiString.cached("http2-settings");
    private static final AsciiString[] ALWAYS = {HttpHeaderNames.CONNECTION, KEEP_ALIVE, PROXY_CONNECTION,
            HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION, HttpHeaderNames.TE,
            HttpHeaderNames.TRAILER, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE, HTTP2_SETTINGS};

    private HopByHop() {}

    /**
     * Removes the hop-by-hop headers and those {@code Connection} names ("close" and "keep-alive" are
     * options, not names; Host is never removed this way: a request keeps what it is for).
     */
    static void strip(HttpHeaders headers) {
        if (headers.contains(HttpHeaderNames.CONNECTION)) {
            for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
                for (String token : value.split(",")) {
                    String name = token.strip();
                    if (!name.isEmpty() && !name.equalsIgnoreCase("close") && !name.equalsIgnoreCase("keep-alive")
                            && !name.equalsIgnoreCase("host")) {
                        headers.remove(name);
                    }
                }
            }
        }
        for (AsciiString name : ALWAYS) {
            headers.remove(name);
        }
    }

    /** All lines of a header as one list, as RFC 9110 §5.3 allows for list-valued headers; null when absent. */
    static String joined(HttpHeaders headers, CharSequence name) {
        String first = headers.get(name);
        if (first == null) {
            return null;
        }
        List<String> all = headers.getAll(name);
        if (all.size() == 1) {
            return first;
        }
        StringBuilder joined = new StringBuilder();
        for (Iterator<String> it = all.iterator(); it.hasNext(); ) {
            joined.append(it.next());
            if (it.hasNext()) {
                joined.append(", ");
            }
        }
        return joined.toString();
    }
}
