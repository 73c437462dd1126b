import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What slow clients can hold of a control plane (issue 16 item 4), as the issue measured it:
 * N connections each sending half a request and then nothing. Samples the server's open file
 * descriptors (/proc/PID/fd) every 250 ms, reports the peak, when the server had closed all of
 * them, and how long a legitimate request took meanwhile. Run by bench/hostile.sh:
 * java bench/SlowClients.java HOST PORT SERVER_PID TOKEN N
 */
public class SlowClients {
    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        long pid = Long.parseLong(args[2]);
        String token = args[3];
        int n = Integer.parseInt(args[4]);
        int before = descriptors(pid);
        long started = System.nanoTime();
        List<Socket> sockets = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < n; i++) {
            try {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress(host, port), 2000);
                socket.getOutputStream().write("GET /v1/info HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                sockets.add(socket);
            } catch (IOException e) {
                refused++;
            }
        }
        double openedMs = (System.nanoTime() - started) / 1e6;
        AtomicInteger closed = new AtomicInteger();
        for (Socket socket : sockets) {
            Thread.ofVirtual().start(() -> {
                try (InputStream in = socket.getInputStream()) {
                    in.readAllBytes();
                } catch (IOException ignored) {
                    // reset: closed too
                }
                closed.incrementAndGet();
            });
        }
        // A legitimate request while they are held.
        long asked = System.nanoTime();
        String answer;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 60_000);
            socket.setSoTimeout(120_000);
            socket.getOutputStream().write(("GET /v1/info HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] head = socket.getInputStream().readNBytes(12);
            answer = new String(head, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            answer = "failed: " + e.getMessage();
        }
        double legitMs = (System.nanoTime() - asked) / 1e6;
        int peak = descriptors(pid);
        double allClosedMs = -1;
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            peak = Math.max(peak, descriptors(pid));
            if (closed.get() == sockets.size()) {
                allClosedMs = (System.nanoTime() - started) / 1e6;
                break;
            }
            Thread.sleep(250);
        }
        System.out.printf("clients=%d connected=%d refused=%d opened_ms=%.0f fds_before=%d fds_peak=%d all_closed_ms=%s"
                + " legit_status=%s legit_ms=%.0f%n", n, sockets.size(), refused, openedMs, before, peak,
                allClosedMs < 0 ? "not within 120 s" : String.format("%.0f", allClosedMs), answer.replace(' ', '_'), legitMs);
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    private static int descriptors(long pid) throws IOException {
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) fds.count();
        }
    }
}
