package dev.apollo.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A gateway that closes a connection without answering (nginx reloading) costs the caller nothing, once. */
class ClosedConnectionTest {
    interface Counter {
        int count(int a, int b);
    }

    /** Reads each request whole, then closes the first {@code closing} connections unanswered and answers 42 on the rest. */
    private static final class ClosingServer implements AutoCloseable {
        final ServerSocket socket;
        final AtomicInteger requests = new AtomicInteger();

        ClosingServer(int closing) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try (Socket connection = socket.accept()) {
                        readRequest(connection.getInputStream());
                        if (requests.incrementAndGet() > closing) {
                            connection.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                    + "Content-Length: 2\r\nConnection: close\r\n\r\n42").getBytes(StandardCharsets.US_ASCII));
                        }
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private static void readRequest(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.append((char) b);
            }
            String text = head.toString().toLowerCase();
            int at = text.indexOf("content-length:");
            int length = at < 0 ? 0 : Integer.parseInt(text.substring(at + 15, text.indexOf("\r\n", at)).strip());
            in.readNBytes(length);
        }

        Counter client() {
            return RpcClient.builderFor(Counter.class).withBaseUrl("http://127.0.0.1:" + socket.getLocalPort()).build();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void aCallWhoseConnectionClosesBeforeAnyAnswerIsSentOnceMore() throws IOException {
        try (ClosingServer server = new ClosingServer(1)) {
            assertThat(server.client().count(40, 2)).isEqualTo(42);
            assertThat(server.requests.get()).isEqualTo(2);
        }
    }

    @Test
    void onlyOnce() throws IOException {
        try (ClosingServer server = new ClosingServer(Integer.MAX_VALUE)) {
            assertThatThrownBy(() -> server.client().count(40, 2))
                    .isInstanceOf(RpcException.class)
                    .hasMessageContaining("failed before its answer arrived");
            assertThat(server.requests.get()).isEqualTo(2);
        }
    }
}
