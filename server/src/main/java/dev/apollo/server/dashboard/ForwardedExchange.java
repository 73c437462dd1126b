package dev.apollo.server.dashboard;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * A dashboard request handed to the REST API as if the CLI had sent it: another path
 * ({@code /dashboard/v1/x} becomes {@code /v1/x}) and request headers that carry the bearer token,
 * so the API applies exactly the checks it applies to the CLI. Everything else is the real exchange.
 */
final class ForwardedExchange extends HttpExchange {
    private final HttpExchange real;
    private final URI uri;
    private final Headers requestHeaders;

    ForwardedExchange(HttpExchange real, URI uri, String authorization) {
        this.real = real;
        this.uri = uri;
        this.requestHeaders = new Headers(real.getRequestHeaders());
        this.requestHeaders.set("Authorization", authorization);
        this.requestHeaders.remove("Cookie"); // the API knows nothing of sessions
    }

    @Override
    public Headers getRequestHeaders() {
        return requestHeaders;
    }

    @Override
    public URI getRequestURI() {
        return uri;
    }

    @Override
    public Headers getResponseHeaders() {
        return real.getResponseHeaders();
    }

    @Override
    public String getRequestMethod() {
        return real.getRequestMethod();
    }

    @Override
    public HttpContext getHttpContext() {
        return real.getHttpContext();
    }

    @Override
    public void close() {
        real.close();
    }

    @Override
    public InputStream getRequestBody() {
        return real.getRequestBody();
    }

    @Override
    public OutputStream getResponseBody() {
        return real.getResponseBody();
    }

    @Override
    public void sendResponseHeaders(int code, long length) throws IOException {
        real.sendResponseHeaders(code, length);
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return real.getRemoteAddress();
    }

    @Override
    public int getResponseCode() {
        return real.getResponseCode();
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return real.getLocalAddress();
    }

    @Override
    public String getProtocol() {
        return real.getProtocol();
    }

    @Override
    public Object getAttribute(String name) {
        return real.getAttribute(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        real.setAttribute(name, value);
    }

    @Override
    public void setStreams(InputStream in, OutputStream out) {
        real.setStreams(in, out);
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return real.getPrincipal();
    }
}
