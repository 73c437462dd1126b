package dev.apollo.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apollo.api.Json;
import dev.apollo.api.Views.ErrorBody;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Sends requests, and turns every way one can fail into this client's exceptions. */
final class HttpTransport implements AutoCloseable {
    static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Requests go out with the shared strict mapper; answers are read tolerantly so that a newer
     * server adding a field does not break an older CLI.
     */
    private static final ObjectMapper READER = Json.mapper().copy()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Its {@code url} is the address that answered last: once a fallback answers, the next requests go there first. */
    private volatile Connection connection;
    /** The addresses passed over to reach {@code connection.url()} and why, named in its errors; "" when none. */
    private volatile String passedOver = "";
    private final HttpClient http;

    HttpTransport(Connection connection) {
        this.connection = connection;
        // HTTP/1.1: the control plane is a plain HTTP/1.1 server and an h2c upgrade would only cost a round trip.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .build();
    }

    Connection connection() {
        return connection;
    }

    static ObjectMapper reader() {
        return READER;
    }

    /** A request to {@code pathAndQuery} (already encoded) with the bearer token when there is one. */
    HttpRequest.Builder request(String pathAndQuery) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(connection.url() + pathAndQuery));
        connection.bearerToken().ifPresent(token -> builder.header("Authorization", "Bearer " + token));
        return builder;
    }

    static HttpRequest.BodyPublisher jsonBody(Object value) {
        try {
            return HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends and returns the 2xx answer's status and body; anything else becomes an exception. */
    HttpResponse<byte[]> send(HttpRequest request) {
        HttpResponse<byte[]> response = exchange(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() / 100 != 2) {
            throw error(request, response.statusCode(), response.body());
        }
        return response;
    }

    <T> T json(HttpRequest request, JavaType type) {
        byte[] body = send(request).body();
        try {
            return READER.readValue(body, type);
        } catch (IOException e) {
            throw new ApolloClientException("The control plane at " + connection.url() + " sent an answer to "
                    + request.method() + " " + request.uri().getPath() + " that this client cannot read: "
                    + e.getMessage() + ". Are the CLI and the control plane the same version?", e);
        }
    }

    /** Opens a streamed answer; the caller reads and closes the body. */
    InputStream stream(HttpRequest request) {
        HttpResponse<InputStream> response = exchange(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() / 100 != 2) {
            byte[] body;
            try (InputStream in = response.body()) {
                body = in.readNBytes(64 * 1024);
            } catch (IOException e) {
                body = new byte[0];
            }
            throw error(request, response.statusCode(), body);
        }
        return response.body();
    }

    /**
     * Sends, and follows a standby's {@code 503 not_leader} to the leader its {@code X-Apollo-Leader} header
     * names (at most {@link #LEADER_HOPS} times: a term may end meanwhile), with the same request and token;
     * so a CLI pointed at any control plane of a shared store writes where the leader is.
     */
    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            HttpResponse<T> response = reach(request, handler);
            for (int hop = 0; hop < LEADER_HOPS; hop++) {
                Optional<URI> leader = leader(response);
                if (leader.isEmpty()) {
                    break;
                }
                discard(response);
                URI original = request.uri();
                URI there = leader.get().resolve(original.getRawPath()
                        + (original.getRawQuery() == null ? "" : "?" + original.getRawQuery()));
                request = HttpRequest.newBuilder(request, (name, value) -> true).uri(there).build();
                try {
                    response = http.send(request, handler);
                } catch (IOException e) {
                    throw new ApolloClientException("The control plane at " + connection.url() + " is a standby and"
                            + " named " + leader.get() + " as the leader, which did not answer (" + e.getMessage()
                            + "). A standby takes over once the leader's lease runs out: try again in a few seconds.", e);
                }
                if (response.statusCode() == 401) {
                    discard(response);
                    throw new ApiException(401, "unauthorized", "The control plane at " + connection.url() + " is a"
                            + " standby; the leader at " + leader.get() + " refused the token from " + connection.tokenSource()
                            + ". Control planes sharing a store need the same token: copy one data dir's token file to the"
                            + " others (or set " + Connection.TOKEN_ENV + ").");
                }
            }
            return response;
        } catch (IOException e) {
            throw failure(request, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApolloClientException("Interrupted while waiting for the control plane at " + connection.url() + ".", e);
        }
    }

    /**
     * Sends to the connection's address, and when that cannot be reached (refused, no connection within
     * {@link #CONNECT_TIMEOUT}, unknown host: the request never left) to each fallback in turn. Any HTTP answer is
     * final: a request that reached a control plane is never sent to another, which might do it twice.
     */
    private <T> HttpResponse<T> reach(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        Connection first = connection;
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            if (!refused(e) || first.fallbacks().isEmpty()) {
                throw e;
            }
            List<String> said = new ArrayList<>();
            said.add(first.url() + " (" + why(e) + ")");
            for (URI next : first.fallbacks()) {
                connection = first.answeredAt(next);
                try {
                    HttpResponse<T> response = http.send(HttpRequest.newBuilder(request, (name, value) -> true)
                            .uri(rebase(next, request.uri())).build(), handler);
                    passedOver = String.join(", ", said);
                    return response;
                } catch (IOException f) {
                    if (!refused(f)) {
                        throw f;
                    }
                    said.add(next + " (" + why(f) + ")");
                }
            }
            connection = first;
            throw new ServerUnavailableException(first.urls(), said, e);
        }
    }

    /** {@code uri}'s path and query at {@code base}. */
    private static URI rebase(URI base, URI uri) {
        return URI.create(base + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    }

    /** What an address that could not be reached said, in a few words. */
    private static String why(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpConnectTimeoutException) {
                return "no connection within " + CONNECT_TIMEOUT.toSeconds() + " s";
            }
            if (t instanceof java.nio.channels.UnresolvedAddressException) {
                return "unknown host";
            }
            if (t instanceof ConnectException) {
                return "connection refused";
            }
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static final int LEADER_HOPS = 2;
    static final String LEADER_HEADER = "X-Apollo-Leader";

    /** The leader a {@code 503} names, when it names one other than the control plane that answered. */
    private static Optional<URI> leader(HttpResponse<?> response) {
        if (response.statusCode() != 503) {
            return Optional.empty();
        }
        return response.headers().firstValue(LEADER_HEADER).map(String::strip).filter(s -> !s.isEmpty())
                .flatMap(value -> {
                    try {
                        URI uri = URI.create(value);
                        return uri.getScheme() != null && uri.getHost() != null ? Optional.of(uri) : Optional.empty();
                    } catch (IllegalArgumentException e) {
                        return Optional.empty();
                    }
                })
                .filter(uri -> !uri.equals(response.uri().resolve("/")) && !sameOrigin(uri, response.uri()));
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getHost().equals(b.getHost()) && a.getPort() == b.getPort();
    }

    private static void discard(HttpResponse<?> response) {
        if (response.body() instanceof InputStream in) {
            try {
                in.close();
            } catch (IOException e) {
                // Nothing to keep from a refusal that is being followed.
            }
        }
    }

    /** Maps an I/O failure: nothing listening is the common case and gets the "start it" hint. */
    RuntimeException failure(HttpRequest request, IOException e) {
        if (refused(e)) {
            return new ServerUnavailableException(connection.url(), e);
        }
        if (e instanceof HttpTimeoutException) {
            return new ApolloClientException("The control plane at " + connection.url() + " did not answer "
                    + request.method() + " " + request.uri().getPath() + " within " + REQUEST_TIMEOUT.toSeconds() + " s.", e);
        }
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new ApolloClientException("Lost the connection to the control plane at " + connection.url()
                + " during " + request.method() + " " + request.uri().getPath() + " (" + detail + ")." + passedOverNote(), e);
    }

    static boolean refused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException
                    || t instanceof java.nio.channels.UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }

    ApiException error(HttpRequest request, int status, byte[] body) {
        ErrorBody parsed = parseError(body);
        String code = parsed != null && parsed.error() != null ? parsed.error() : "http_" + status;
        if (status == 401) {
            return new ApiException(status, code, unauthorizedMessage() + passedOverNote());
        }
        String message = parsed != null && parsed.message() != null && !parsed.message().isBlank()
                ? parsed.message()
                : "The control plane at " + connection.url() + " answered " + request.method() + " "
                        + request.uri().getPath() + " with HTTP " + status + ".";
        return new ApiException(status, code, message + passedOverNote());
    }

    /** Where the answer came from, when the first address given did not answer. */
    private String passedOverNote() {
        String over = passedOver;
        return over.isEmpty() ? "" : " (Answered by " + connection.url() + "; not reached before it: " + over + ".)";
    }

    private static ErrorBody parseError(byte[] body) {
        try {
            return body.length == 0 ? null : READER.readValue(body, ErrorBody.class);
        } catch (IOException e) {
            return null;
        }
    }

    private String unauthorizedMessage() {
        String where = "Each control plane writes its token to <data dir>/token when it starts; "
                + "point APOLLO_HOME (or --home) at its data dir, or set " + Connection.TOKEN_ENV + ".";
        if (connection.token() == null) {
            return "The control plane at " + connection.url() + " needs a bearer token and none was found (looked in "
                    + Connection.TOKEN_ENV + " and " + connection.tokenSource() + "). " + where;
        }
        return "The control plane at " + connection.url() + " refused the token from " + connection.tokenSource()
                + ": it belongs to another control plane. " + where;
    }

    @Override
    public void close() {
        http.shutdownNow();
    }
}
