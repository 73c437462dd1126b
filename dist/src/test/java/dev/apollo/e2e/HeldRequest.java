package dev.apollo.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One long request through a gateway, read on a thread of its own: web-service's {@code GET /drip?ms=N}
 * (who answers at once, a dot a second, "done" after N ms). On its own connection, so nothing but a
 * change to that connection can end it early. Tells whether it got the whole answer, or was cut.
 */
final class HeldRequest implements AutoCloseable {
    /** What came back: the status line, the body as read, and whether the answer ended as HTTP says it should. */
    record Outcome(String statusLine, String body, boolean complete) {
        boolean done() {
            return complete && statusLine.startsWith("HTTP/1.1 200") && body.contains("\ndone\n");
        }

        /** The instance that answered, from its first line. */
        String instance() {
            int at = body.indexOf("\"instance\":\"");
            return at < 0 ? "" : body.substring(at + 12, body.indexOf('"', at + 12));
        }
    }

    private final Socket socket;
    private final CountDownLatch started = new CountDownLatch(1);
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    private final String name;

    private HeldRequest(String name, Socket socket) {
        this.name = name;
        this.socket = socket;
    }

    /** Sends {@code GET /drip?ms=millis} to the gateway at HOST:PORT with the given header lines. */
    static HeldRequest start(String name, String gateway, long millis, String... headerLines) throws IOException {
        int colon = gateway.lastIndexOf(':');
        Socket socket = new Socket(gateway.substring(0, colon), Integer.parseInt(gateway.substring(colon + 1)));
        socket.setSoTimeout(120_000);
        HeldRequest held = new HeldRequest(name, socket);
        StringBuilder request = new StringBuilder("GET /drip?ms=" + millis + " HTTP/1.1\r\nHost: apollo.localhost\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        socket.getOutputStream().write(request.append("Connection: close\r\n\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        Thread.ofVirtual().name("held-" + name).start(held::read);
        return held;
    }

    private void read() {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (InputStream in = socket.getInputStream()) {
            byte[] buffer = new byte[4096];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                raw.write(buffer, 0, n);
                if (raw.toString(StandardCharsets.ISO_8859_1).contains("\"instance\"")) {
                    started.countDown();
                }
            }
        } catch (IOException e) {
            // reset or closed under us: what was read so far tells
        }
        started.countDown();
        outcome.complete(parse(raw.toString(StandardCharsets.ISO_8859_1)));
    }

    /** Status line, de-chunked body, and whether the last chunk came. */
    private static Outcome parse(String raw) {
        int headersEnd = raw.indexOf("\r\n\r\n");
        if (headersEnd < 0) {
            return new Outcome(raw.lines().findFirst().orElse(""), "", false);
        }
        String statusLine = raw.substring(0, raw.indexOf("\r\n"));
        StringBuilder body = new StringBuilder();
        int at = headersEnd + 4;
        while (true) {
            int lineEnd = raw.indexOf("\r\n", at);
            if (lineEnd < 0) {
                return new Outcome(statusLine, body.toString(), false);
            }
            int size;
            try {
                size = Integer.parseInt(raw.substring(at, lineEnd).split(";")[0].strip(), 16);
            } catch (NumberFormatException e) {
                return new Outcome(statusLine, body.toString(), false);
            }
            if (size == 0) {
                return new Outcome(statusLine, body.toString(), true);
            }
            int end = Math.min(raw.length(), lineEnd + 2 + size);
            body.append(raw, lineEnd + 2, end);
            if (end < lineEnd + 2 + size) {
                return new Outcome(statusLine, body.toString(), false);
            }
            at = end + 2;
        }
    }

    /** Waits until the instance has started answering: from then on the request is in flight on it. */
    HeldRequest awaitStarted(Duration timeout) throws InterruptedException {
        if (!started.await(timeout.toMillis(), TimeUnit.MILLISECONDS) || outcome.isDone()) {
            throw new AssertionError("held request " + name + " did not start: " + outcome.getNow(null));
        }
        return this;
    }

    Outcome await(Duration timeout) throws Exception {
        return outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    String name() {
        return name;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
