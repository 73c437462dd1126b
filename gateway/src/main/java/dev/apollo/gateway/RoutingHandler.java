package dev.apollo.gateway;

import dev.apollo.routing.Decision;
import dev.apollo.routing.Decision.Proxied;
import dev.apollo.routing.RouteSnapshot;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.util.function.Supplier;

/**
 * Per request on a listener: resolve it against the current snapshot. The web and RPC listeners
 * differ only in what they read of a request and which resolver reads it.
 */
abstract class RoutingHandler {
    private final Supplier<RouteSnapshot> routes;

    RoutingHandler(Supplier<RouteSnapshot> routes) {
        this.routes = routes;
    }

    final Decision resolve(HttpRequest request) {
        return resolve(routes.get(), request);
    }

    abstract Decision resolve(RouteSnapshot routes, HttpRequest request);

    /** A Set-Cookie the answer needs besides the backend's headers; null for none. */
    String setCookie(Proxied decision) {
        return null;
    }

    /** Whether WebSocket handshakes are passed through (web) or treated as plain requests (RPC). */
    abstract boolean webSockets();

    /** The host the request is for, without port; "" when it names none. */
    static String host(HttpRequest request) {
        String authority = authority(request);
        if (authority == null || authority.isEmpty()) {
            return "";
        }
        if (authority.charAt(0) == '[') {
            int end = authority.indexOf(']');
            return end < 0 ? authority : authority.substring(0, end + 1);
        }
        int colon = authority.lastIndexOf(':');
        return colon < 0 ? authority : authority.substring(0, colon);
    }

    /** The Host header, or the authority of an absolute-form request target; null when neither. */
    static String authority(HttpRequest request) {
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (host != null) {
            return host;
        }
        String uri = request.uri();
        int start = authorityStart(uri);
        return start < 0 ? null : uri.substring(start, authorityEnd(uri, start));
    }

    /** The request target in origin form (an absolute-form one loses its scheme and authority). */
    static String originForm(String uri) {
        int start = authorityStart(uri);
        if (start < 0) {
            return uri;
        }
        int end = authorityEnd(uri, start);
        if (end == uri.length()) {
            return "/";
        }
        return uri.charAt(end) == '?' ? "/" + uri.substring(end) : uri.substring(end);
    }

    /** Where the authority of an absolute-form target ({@code http://host:port/path}) starts; -1 for any other. */
    private static int authorityStart(String uri) {
        if (uri.isEmpty() || uri.charAt(0) == '/') {
            return -1;
        }
        int scheme = uri.indexOf("://");
        return scheme <= 0 ? -1 : scheme + 3;
    }

    /** Where that authority ends: at the path, the query or the end of the target. */
    private static int authorityEnd(String uri, int start) {
        int end = start;
        while (end < uri.length() && uri.charAt(end) != '/' && uri.charAt(end) != '?') {
            end++;
        }
        return end;
    }

    /** The path of an origin-form target, without its query. */
    static String path(String originForm) {
        int query = originForm.indexOf('?');
        return query < 0 ? originForm : originForm.substring(0, query);
    }

    /** The query of an origin-form target, without the '?'; null when it has none. */
    static String query(String originForm) {
        int query = originForm.indexOf('?');
        return query < 0 ? null : originForm.substring(query + 1);
    }
}
