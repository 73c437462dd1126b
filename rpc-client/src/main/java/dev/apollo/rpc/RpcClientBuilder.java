package dev.apollo.rpc;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** Configures an {@link RpcClient}; see {@link RpcClient#builderFor(Class)}. */
public final class RpcClientBuilder<T> {
    /** A single path segment that needs no escaping: what service names are made of. */
    private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9._~-]+");

    private final Class<T> iface;
    private String baseUrl;
    private String part;
    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration callTimeout = Duration.ofSeconds(30);
    private HttpClient httpClient;

    RpcClientBuilder(Class<T> iface) {
        RpcMethods.of(iface); // fail here, at the line that names the interface, rather than at build()
        this.iface = iface;
    }

    /**
     * Where calls go: the platform gives every instance its RPC gateway address as {@code RPC_INT}
     * ({@code http://127.0.0.1:9090}, or {@code .../_env/<E>} in environment E).
     */
    public RpcClientBuilder<T> withBaseUrl(String baseUrl) {
        if (baseUrl == null || baseUrl.isBlank()) {
            throw new IllegalArgumentException("baseUrl: " + (baseUrl == null ? "null" : "blank")
                    + " (expected: an http:// URL such as the RPC_INT the platform gives every instance; is RPC_INT set?)");
        }
        URI uri;
        try {
            uri = URI.create(baseUrl.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("baseUrl: '" + baseUrl + "' (expected: an http:// URL): " + e.getMessage(), e);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("baseUrl: '" + baseUrl + "' (expected: an http:// URL with a host)");
        }
        if (uri.getQuery() != null || uri.getFragment() != null) {
            throw new IllegalArgumentException("baseUrl: '" + baseUrl + "' (expected: no query or fragment)");
        }
        String text = uri.toString();
        this.baseUrl = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        return this;
    }

    /**
     * The name of the service to call, the first path segment after the base URL: {@code rpc-service}. Leave it out
     * to call an {@link RpcServer} directly, without a gateway (tests, a local run): calls then go to
     * {@code <baseUrl>/<method>}.
     */
    public RpcClientBuilder<T> withPart(String part) {
        if (part == null || !SERVICE_NAME.matcher(part).matches()) {
            throw new IllegalArgumentException("part: '" + part + "' (expected: a service name such as 'rpc-service')");
        }
        this.part = part;
        return this;
    }

    /** How long to wait for a connection (default 2 s); applies only to the HttpClient this builder makes. */
    public RpcClientBuilder<T> withConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = positive("connectTimeout", connectTimeout);
        return this;
    }

    /** How long a call may take, from sending to the whole answer (default 30 s). */
    public RpcClientBuilder<T> withCallTimeout(Duration callTimeout) {
        this.callTimeout = positive("callTimeout", callTimeout);
        return this;
    }

    /** The HttpClient to send with, shared with others; by default each built client makes its own. */
    public RpcClientBuilder<T> withHttpClient(HttpClient httpClient) {
        this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
        return this;
    }

    /** A proxy implementing the interface; Object methods (toString, equals, hashCode) and default methods are local. */
    public T build() {
        if (baseUrl == null) {
            throw new IllegalStateException("no base URL: call withBaseUrl(System.getenv(\"RPC_INT\")) before build()");
        }
        // Made on first use: a JDK HttpClient sets up TLS when created, ~0.4 s that a service should not spend
        // before it answers its first health check.
        HttpClient given = httpClient;
        Duration connect = connectTimeout;
        Supplier<HttpClient> client = given != null ? () -> given : () -> HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connect)
                .build();
        RemoteCalls calls = new RemoteCalls(iface, client, baseUrl, part, callTimeout);
        Json.inBackground(() -> {
            Json.warmUp();
            calls.client();
        });
        return iface.cast(Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface}, calls));
    }

    private static Duration positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
        return value;
    }
}
