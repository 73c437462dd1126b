package dev.apollo.routing;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A 3rd-party service as one environment defines it, its URL parsed once per table so that a call
 * costs a string concatenation: {@code /<name>/<rest>?q} goes to {@code <url>/<rest>?q}.
 *
 * @param environment the environment whose table defines it (which may be a fallback of the caller's)
 * @param basePath the URL's raw path without a trailing slash; "" for none
 */
public record ExternalEndpoint(String environment, String name, String url, String host, int port, boolean tls, String basePath)
        implements RouteSnapshot.RpcTarget {

    /** Throws {@link GatewayException} naming the external when {@code url} is not an absolute http(s) URL. */
    static ExternalEndpoint parse(String environment, String name, String url) {
        URI uri;
        try {
            uri = new URI(url == null ? "" : url);
        } catch (URISyntaxException e) {
            throw invalid(environment, name, url);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw invalid(environment, name, url);
        }
        boolean tls = scheme.equals("https");
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        int end = path.length();
        while (end > 0 && path.charAt(end - 1) == '/') {
            end--;
        }
        return new ExternalEndpoint(environment, name, url, host, port, tls, path.substring(0, end));
    }

    /** @param rest the path after the external's name, starting with '/'; @param query raw query, "" for none */
    String uriFor(String rest, String query) {
        return basePath + rest + (query.isEmpty() ? "" : "?" + query);
    }

    private static GatewayException invalid(String environment, String name, String url) {
        return new GatewayException("external " + name + " in environment " + environment + ": URL '" + url
                + "' (expected: an absolute http:// or https:// URL)");
    }
}
