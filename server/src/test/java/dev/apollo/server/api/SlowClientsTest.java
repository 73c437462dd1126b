package dev.apollo.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.server.TestControlPlane;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 item 4: a client can hold only so much of the API. The control plane runs with short
 * limits (header deadline 1 s, idle timeout 2 s, 64 connections) so the test is quick; each
 * assertion allows generous time on a shared machine, and none asserts speed.
 */
class SlowClientsTest {
    private static final int MAX_CONNECTIONS = 64;
    /** Far above the limits: only a server that never cuts a client off takes this long. */
    private static final Duration CUT_OFF_WITHIN = Duration.ofSeconds(30);

    @TempDir
    static Path home;

    private static TestControlPlane plane;

    @BeforeAll
    static void start() {
        plane = TestControlPlane.start(home, "--api-header-timeout-ms", "1000", "--api-idle-timeout-ms", "2000",
                "--api-max-connections", String.valueOf(MAX_CONNECTIONS));
    }

    @AfterAll
    static void stop() {
        plane.close();
    }

    private static Socket open() throws IOException {
        Socket socket = new Socket("127.0.0.1", plane.port());
        socket.setSoTimeout((int) CUT_OFF_WITHIN.toMillis());
        return socket;
    }

    /** Reads until the server closes; what it said before closing, if anything. */
    private static String untilClosed(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        try {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server held the connection for " + CUT_OFF_WITHIN.toSeconds() + " s", e);
        } catch (java.net.SocketException reset) {
            return "";
        }
    }

    @Test
    void halfSentHeadersAreCutOffAtTheHeaderDeadline() throws IOException {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                Socket socket = open();
                socket.getOutputStream().write("GET /v1/info HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
                sockets.add(socket);
            }
            for (Socket socket : sockets) {
                untilClosed(socket);
            }
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void headersDrippedByteByByteAreCutOffToo() throws Exception {
        try (Socket socket = open()) {
            OutputStream out = socket.getOutputStream();
            byte[] request = ("GET /v1/info HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + plane.token()
                    + "\r\nX-Padding: " + "p".repeat(200) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            boolean cut = false;
            // One byte every 100 ms keeps any idle timeout at bay; the whole would take over 30 s.
            for (int i = 0; i < request.length && !cut; i++) {
                try {
                    out.write(request[i]);
                    out.flush();
                } catch (IOException closed) {
                    cut = true;
                }
                Thread.sleep(100);
                cut |= socket.getInputStream().available() > 0 || closedByPeer(socket);
            }
            assertThat(cut).as("the server cut off a client that dripped its headers").isTrue();
        }
    }

    private static boolean closedByPeer(Socket socket) {
        try {
            socket.setSoTimeout(1);
            return socket.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        } finally {
            try {
                socket.setSoTimeout((int) CUT_OFF_WITHIN.toMillis());
            } catch (IOException ignored) {
                // closed
            }
        }
    }

    @Test
    void blankLinesAloneAreCutOff() throws IOException {
        try (Socket socket = open()) {
            socket.getOutputStream().write("\r\n\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String said = untilClosed(socket);
            assertThat(said).satisfiesAnyOf(s -> assertThat(s).isEmpty(), s -> assertThat(s).startsWith("HTTP/1.1 4"));
        }
    }

    @Test
    void aStalledBodyIsCutOffAtTheIdleTimeoutWithA408() throws IOException {
        try (Socket socket = open()) {
            socket.getOutputStream().write(("POST /v1/environments HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + plane.token() + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\":")
                    .getBytes(StandardCharsets.US_ASCII));
            String said = untilClosed(socket);
            assertThat(said).startsWith("HTTP/1.1 408").contains("\"error\":\"timeout\"");
        }
    }

    @Test
    void openConnectionsAreCappedAndTheApiStillAnswersAfterwards() throws Exception {
        int baseline = openDescriptors();
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 150; i++) {
                sockets.add(open()); // connected (the kernel's backlog accepts), sending nothing
            }
            // Our 150 client sockets are descriptors of this JVM too; the server's side may add at most the cap.
            int serverSide = openDescriptors() - baseline - sockets.size();
            assertThat(serverSide).as("server-side connections").isLessThanOrEqualTo(MAX_CONNECTIONS + 8);
            for (Socket socket : sockets) {
                untilClosed(socket);
            }
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        RawHttp.Answer info = RawHttp.exchange(plane.port(), RawHttp.request("GET", "/v1/info", plane.token()), CUT_OFF_WITHIN);
        assertThat(info.status()).as("%s", info).isEqualTo(200);
    }

    private static int openDescriptors() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        }
    }
}
