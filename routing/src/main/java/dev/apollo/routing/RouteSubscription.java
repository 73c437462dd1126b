package dev.apollo.routing;

import dev.apollo.api.Json;
import dev.apollo.api.RouteTableView;
import dev.apollo.api.SseEvent;
import dev.apollo.api.SseParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Follows {@code GET /v1/routes/stream} on the control plane (or on the leader a standby names), forever: every {@code routes}
 * event carries a whole table, applied as it arrives. While the control plane is away the
 * gateway keeps its last table and reconnects with backoff (100 ms doubling to 2 s). Where its own control plane
 * cannot be reached, it asks the other control planes of the cluster in turn (the first that answers names the
 * leader), so the gateway of a killed leader follows the new one. Blocking I/O on a virtual thread keeps this simple
 * and off the event loops.
 */
public final class RouteSubscription implements AutoCloseable {
    public static final String STREAM_PATH = "/v1/routes/stream";
    public static final String LEADER_HEADER = "X-Apollo-Leader";
    private static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(10);

    private final Supplier<List<URI>> control;
    private volatile URI streamUri;
    private final Optional<Path> tokenFile;
    private final Consumer<RouteTableView> apply;
    private final Consumer<String> log;
    private final HttpClient http;
    private final ReconnectBackoff backoff = new ReconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(2));
    private volatile boolean closed;
    private volatile Thread thread;
    private volatile InputStream current;
    private boolean reportedOutage;

    /**
     * @param control where the control planes are, this gateway's own first, then its peers; asked again before
     *     every connection: a control plane restarted on another port is found again (empty while none is known)
     * @param tokenFile the bearer token, read again at every connection
     * @param apply takes each table as it arrives, on the subscription's thread
     * @param log where what it has to say goes: the stream lost, found again, a table it could not read
     */
    public RouteSubscription(Supplier<List<URI>> control, Optional<Path> tokenFile, Consumer<RouteTableView> apply,
            Consumer<String> log) {
        this.control = control;
        this.streamUri = URI.create("http://unknown" + STREAM_PATH);
        this.tokenFile = tokenFile;
        this.apply = apply;
        this.log = log;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
    }

    public void start() {
        thread = Thread.ofVirtual().name("apollo-route-subscription").start(this::run);
    }

    private void run() {
        while (!closed) {
            try {
                follow();
                outage("the route stream from " + streamUri + " ended");
            } catch (NoneAnswers e) {
                outage(e.getMessage());
            } catch (IOException e) {
                outage("cannot follow " + streamUri + ": " + e);
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(backoff.nextMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Follows the first control plane that answers: one that cannot be reached (refused, timed out) passes the turn
     * to the next; any HTTP answer is that round's, since every control plane of a cluster names the same leader.
     */
    private void follow() throws IOException, InterruptedException {
        List<URI> candidates = control.get();
        if (candidates.isEmpty()) {
            throw new IOException("no control plane address known yet");
        }
        List<String> unreachable = new ArrayList<>();
        for (URI base : candidates) {
            HttpResponse<InputStream> response;
            try {
                response = open(base);
            } catch (IOException e) {
                unreachable.add(base + " (" + (e instanceof ConnectException ? "refused or unreachable" : e.toString()) + ")");
                continue;
            }
            follow(response, true);
            return;
        }
        throw new NoneAnswers("no control plane answers: " + String.join(", ", unreachable));
    }

    /** Not one of the control planes known could be reached. */
    private static final class NoneAnswers extends IOException {
        NoneAnswers(String message) {
            super(message);
        }
    }

    private HttpResponse<InputStream> open(URI base) throws IOException, InterruptedException {
        String text = base.toString();
        streamUri = URI.create((text.endsWith("/") ? text.substring(0, text.length() - 1) : text) + STREAM_PATH);
        HttpRequest.Builder request = HttpRequest.newBuilder(streamUri).header("Accept", "text/event-stream");
        Optional<String> token = token();
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        return awaitHeaders(http.sendAsync(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream()));
    }

    /**
     * Follows the stream of {@code response}; a standby answers 503 naming the leader ({@code X-Apollo-Leader}),
     * followed once ({@code mayFollow}) with the same token. When that stream ends, the next round asks this
     * gateway's own control plane (or its peers) again, so a new leader is found through it.
     */
    private void follow(HttpResponse<InputStream> response, boolean mayFollow) throws IOException, InterruptedException {
        try (InputStream body = response.body()) {
            current = body;
            if (closed) {
                return;
            }
            Optional<URI> leader = response.statusCode() == 503 && mayFollow
                    ? response.headers().firstValue(LEADER_HEADER).filter(v -> !v.isBlank()).flatMap(RouteSubscription::uri)
                    : Optional.empty();
            if (response.statusCode() == 503) {
                // A standby, or a leader whose first table is moments away: it answers, so asking again soon
                // is cheap, and a takeover is near; no growing back-off.
                backoff.reset();
            }
            if (leader.isPresent()) {
                body.close();
                current = null;
                follow(open(leader.get()), false);
                return;
            }
            if (response.statusCode() != 200) {
                outage("the control plane answered " + response.statusCode() + " to " + streamUri
                        + (response.statusCode() == 401 ? " (is --token-file right?)" : ""));
                return;
            }
            backoff.reset();
            if (reportedOutage) {
                log("following the route stream again at " + streamUri);
                reportedOutage = false;
            }
            SseParser parser = new SseParser();
            BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                parser.line(line).ifPresent(this::onEvent);
            }
        } finally {
            current = null;
        }
    }

    /**
     * Bounds the wait for the response head only: {@code HttpRequest.timeout} may also bound the
     * body on newer JDKs, and this body is meant to last forever.
     */
    private static HttpResponse<InputStream> awaitHeaders(CompletableFuture<HttpResponse<InputStream>> pending)
            throws IOException, InterruptedException {
        try {
            return pending.get(HEADERS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new IOException("no answer within " + HEADERS_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            pending.cancel(true);
            throw e;
        }
    }

    private void onEvent(SseEvent event) {
        if (!event.type().equals("routes") && !event.type().equals("message")) {
            return;
        }
        try {
            apply.accept(Json.mapper().readValue(event.data(), RouteTableView.class));
        } catch (IOException | RuntimeException e) {
            // A table we cannot read or compile must not take down the one we serve.
            log("ignored route table " + event.id() + ", keeping the current one: " + e.getMessage());
        }
    }

    private static Optional<URI> uri(String value) {
        try {
            URI uri = URI.create(value.strip());
            return uri.getScheme() != null && uri.getHost() != null ? Optional.of(uri) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private Optional<String> token() throws IOException {
        if (tokenFile.isEmpty()) {
            return Optional.empty();
        }
        // Read at every connect, so a rotated token is picked up without a restart.
        String token = Files.readString(tokenFile.get()).trim();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    private void outage(String message) {
        if (!closed && !reportedOutage) {
            log(message + "; serving the last route table and retrying");
            reportedOutage = true;
        }
    }

    private void log(String message) {
        log.accept(message);
    }

    /** Stops following; the table applied last stays wherever it was applied. */
    @Override
    public void close() {
        closed = true;
        InputStream body = current;
        if (body != null) {
            try {
                body.close();
            } catch (IOException ignored) {
                // Closing is all we wanted.
            }
        }
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        http.shutdownNow();
    }
}
