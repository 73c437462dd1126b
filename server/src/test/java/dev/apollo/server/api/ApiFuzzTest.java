package dev.apollo.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.server.TestControlPlane;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded fuzz run over every endpoint against a real control plane (issue 16): no answer is a 5xx,
 * every error is the documented JSON, nothing hangs (each request is answered within its socket
 * timeout), and the desired state is the same afterwards. {@code -Dapollo.fuzz.seed=N} and
 * {@code -Dapollo.fuzz.requests=N} replay or lengthen a run; bench/fuzz.sh runs a long one.
 */
class ApiFuzzTest {
    private static final long SEED = Long.getLong("apollo.fuzz.seed", 16L);
    private static final int REQUESTS = Integer.getInteger("apollo.fuzz.requests", 10_000);
    private static final int CLIENTS = 4;
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(30);

    @TempDir
    Path home;

    @Test
    void everyEndpointSurvivesHostileRequestsWithoutA5xxAHangOrAChange() throws Exception {
        try (TestControlPlane plane = TestControlPlane.start(home)) {
            String before = HostileInputTest.state(plane.port(), plane.token());
            ApiFuzz fuzz = new ApiFuzz(SEED, plane.token());
            Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            AtomicInteger next = new AtomicInteger();
            long started = System.nanoTime();
            try (ExecutorService clients = Executors.newFixedThreadPool(CLIENTS)) {
                List<Future<?>> running = new java.util.ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    running.add(clients.submit(() -> {
                        for (int i = next.getAndIncrement(); i < REQUESTS && failures.size() < 10; i = next.getAndIncrement()) {
                            ApiFuzz.Request request = fuzz.request(i);
                            try {
                                int status = send(plane.port(), request);
                                statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                            } catch (AssertionError | IOException e) {
                                failures.add("seed " + SEED + " " + request.description() + ": " + e.getMessage());
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> client : running) {
                    client.get(10, TimeUnit.MINUTES);
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("fuzz: %d requests over %d endpoints in %.1f s (%.0f/s), seed %d, statuses %s%n", REQUESTS,
                    ApiFuzz.endpoints(), seconds, REQUESTS / seconds, SEED, new java.util.TreeMap<>(statuses));

            assertThat(failures).as("requests that failed the contract").isEmpty();
            assertThat(statuses.keySet()).as("statuses").allMatch(s -> s >= 200 && s < 500);
            assertThat(HostileInputTest.state(plane.port(), plane.token())).as("desired state after the run").isEqualTo(before);
        }
    }

    /** Sends one request and checks its answer; a stream's answer is checked by its head only. */
    private static int send(int port, ApiFuzz.Request request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) ANSWER_WITHIN.toMillis());
            try {
                socket.getOutputStream().write(request.bytes());
                socket.getOutputStream().flush();
            } catch (IOException refusedMidway) {
                // The server may answer and close before reading a body it refused; the answer is what counts.
            }
            RawHttp.Answer answer;
            if (request.stream()) {
                answer = head(socket.getInputStream());
            } else {
                try {
                    answer = RawHttp.read(socket.getInputStream(), System.nanoTime());
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("no answer within " + ANSWER_WITHIN.toSeconds() + " s");
                }
            }
            if (answer.closedWithoutAnswer()) {
                throw new AssertionError("closed without an answer");
            }
            if (answer.status() >= 500) {
                throw new AssertionError("answered " + answer);
            }
            if (answer.status() >= 400 && !request.description().contains(" HEAD ")) {
                if (!answer.header("Content-Type").orElse("").equals("application/json")
                        || !answer.body().startsWith("{\"error\":\"") || !answer.body().contains("\"message\":\"")) {
                    throw new AssertionError("an error that is not the documented JSON: " + answer);
                }
            }
            return answer.status();
        }
    }

    /** The status line and headers of a streamed answer, which never ends by itself. */
    private static RawHttp.Answer head(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        int b;
        while ((b = in.read()) != -1) {
            text.append((char) b);
            if (text.length() >= 4 && text.substring(text.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        if (text.isEmpty()) {
            return new RawHttp.Answer(0, Map.of(), "", Duration.ZERO);
        }
        int status = Integer.parseInt(text.toString().split(" ")[1]);
        if (status == 200) {
            return new RawHttp.Answer(200, Map.of(), "", Duration.ZERO);
        }
        // An error is not a stream: read it whole.
        byte[] rest = in.readAllBytes();
        String all = text + new String(rest, StandardCharsets.UTF_8);
        return RawHttp.read(new java.io.ByteArrayInputStream(all.getBytes(StandardCharsets.UTF_8)), System.nanoTime());
    }
}
