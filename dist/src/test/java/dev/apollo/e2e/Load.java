package dev.apollo.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Continuous traffic through the gateway while something changes: keep-alive clients and clients
 * that open a new connection per request. Records every failure and, per client, the versions it
 * saw in order. Bounded: it stops by itself after {@code limit}, whatever the test does.
 */
final class Load implements AutoCloseable {
    private static final Pattern VERSION = Pattern.compile("\"version\":\"([^\"]+)\"");

    private final String host;
    private final int port;
    private final String path;
    private final String environment;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger requests = new AtomicInteger();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final List<List<String>> versionsPerClient = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final long deadline;

    private Load(String address, String path, String environment, Duration limit) {
        this.host = address.substring(0, address.lastIndexOf(':'));
        this.port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        this.path = path;
        this.environment = environment;
        this.deadline = System.nanoTime() + limit.toNanos();
    }

    /** Starts {@code keepAlive} pooled clients and {@code fresh} new-connection-per-request clients. */
    static Load start(String gateway, String path, int keepAlive, int fresh) {
        return start(gateway, path, keepAlive, fresh, 0);
    }

    /**
     * And {@code strict} keep-alive clients on a plain socket that never resend a request (as wrk, a
     * browser's POST or most RPC callers): a connection closed under a request counts as a failure.
     */
    static Load start(String gateway, String path, int keepAlive, int fresh, int strict) {
        Load load = new Load(gateway, path, "production", Duration.ofSeconds(120));
        for (int i = 0; i < strict; i++) {
            load.spawn(load::strictKeepAliveClient);
        }
        for (int i = 0; i < keepAlive; i++) {
            load.spawn(load::keepAliveClient);
        }
        for (int i = 0; i < fresh; i++) {
            load.spawn(load::freshConnectionClient);
        }
        return load;
    }

    private void spawn(java.util.function.Consumer<List<String>> client) {
        List<String> versions = Collections.synchronizedList(new ArrayList<>());
        versionsPerClient.add(versions);
        threads.add(Thread.ofVirtual().start(() -> client.accept(versions)));
    }

    private boolean go() {
        return running.get() && System.nanoTime() < deadline;
    }

    private void keepAliveClient(List<String> versions) {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                    .header("X-Apollo-Env", environment).timeout(Duration.ofSeconds(10)).build();
            while (go()) {
                try {
                    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                    record(response.statusCode(), response.body(), versions);
                } catch (IOException e) {
                    fail("keep-alive: " + e);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void freshConnectionClient(List<String> versions) {
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nX-Apollo-Env: " + environment
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        while (go()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 2000);
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(request);
                out.flush();
                InputStream in = socket.getInputStream();
                String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                int status = response.startsWith("HTTP/1.1 ") ? Integer.parseInt(response.substring(9, 12)) : -1;
                record(status, response, versions);
            } catch (IOException | RuntimeException e) {
                fail("new connection: " + e);
            }
        }
    }

    private void strictKeepAliveClient(List<String> versions) {
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nX-Apollo-Env: " + environment + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        while (go()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 2000);
                socket.setSoTimeout(10_000);
                InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
                boolean open = true;
                while (open && go()) {
                    socket.getOutputStream().write(request);
                    socket.getOutputStream().flush();
                    String head = head(in);
                    Matcher length = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(head);
                    String body = length.find() ? new String(in.readNBytes(Integer.parseInt(length.group(1))),
                            StandardCharsets.UTF_8) : "";
                    int status = head.startsWith("HTTP/1.1 ") ? Integer.parseInt(head.substring(9, 12)) : -1;
                    record(status, head + body, versions);
                    // nginx ends a connection after keepalive_requests and says so: the next request goes on a new one.
                    open = !Pattern.compile("(?im)^connection:\\s*close").matcher(head).find();
                }
            } catch (IOException | RuntimeException e) {
                fail("strict keep-alive: " + e);
            }
        }
    }

    /** The status line and headers, up to the blank line; an exception when the connection ends first. */
    private static String head(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int newlines = 0;
        while (newlines < 2) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before an answer (" + head.length() + " bytes of it read)");
            }
            head.append((char) b);
            newlines = b == '\n' ? newlines + 1 : b == '\r' ? newlines : 0;
        }
        return head.toString();
    }

    private void fail(String what) {
        failures.add(LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " " + what);
    }

    private void record(int status, String body, List<String> versions) {
        requests.incrementAndGet();
        if (status != 200) {
            fail("status " + status + ": " + body.substring(0, Math.min(200, body.length())));
            return;
        }
        Matcher m = VERSION.matcher(body);
        String version = m.find() ? m.group(1) : "?";
        if (versions.isEmpty() || !versions.getLast().equals(version)) {
            versions.add(version);
        }
    }

    int requests() {
        return requests.get();
    }

    /** Stops the clients and waits for them. */
    Load stop() {
        running.set(false);
        for (Thread thread : threads) {
            try {
                thread.join(Duration.ofSeconds(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return this;
    }

    /** Each failed request, led by the time it failed (to line up with the platform's events). */
    List<String> failures() {
        return List.copyOf(failures);
    }

    /** Per client, the distinct versions it saw, in the order it saw them (a clean switch is [1.0.0, 2.0.0]). */
    List<List<String>> versionSequences() {
        return versionsPerClient.stream().map(List::copyOf).toList();
    }

    @Override
    public void close() {
        stop();
    }
}
