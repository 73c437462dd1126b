import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop HTTP/1.1 load generator, as wrk2 is (Debian has no wrk2): requests go out on a fixed
 * schedule, RATE a second spread evenly over CONNECTIONS keep-alive connections, and each latency is
 * measured from the request's intended send time, not from when it could be sent. wrk's closed loop
 * sends the next request only when the previous answer is in, so a 100 ms stall delays a handful of
 * requests and hides the hundreds that should have gone out meanwhile (coordinated omission); here
 * every request due during the stall is late by what it waited, and the percentiles show it.
 *
 * Like wrk2, a connection does not pipeline: request k of a connection is sent at its intended time
 * or, when the answer to k-1 is later than that, right after it (and its latency still counts from
 * its intended time). At a rate below saturation connections are mostly idle and sends are on time.
 *
 * java bench/OpenLoop.java URL RATE CONNECTIONS DURATION_S [WARMUP_S] [--post BODY] [-H 'Name: value']...
 *
 * WARMUP_S (default 0) seconds at the same rate come first and are not recorded: they warm this JVM's
 * own JIT as much as the target. Prints a line for people, then one of key=value for scripts:
 * rate achieved due sent ok non2xx io_errors unsent p50_ms p90_ms p99_ms p999_ms max_ms (due: the requests of the
 * measured part, whether sent or not; sent: written to a connection) late_p50_ms late_p99_ms (how late this generator's
 * threads woke for requests due on an idle connection: its own share of the latencies, on a busy machine).
 * A connection that fails (reset, closed, 10 s without an answer) counts an io_error and is opened
 * again for its next request; an answer other than 2xx counts non2xx (its latency is recorded too).
 * Requests still unsent DURATION_S after the end (a target far behind) are given up and count unsent.
 * With --timeline, a line per second of the measured part after those (by intended send time): answered, failed (either kind),
 * p99 and max ms of the answered ones,
 * which shows when a stall began and how long it lasted (bench/gateway.sh's kill -9 rows).
 */
public class OpenLoop {
    private static final int READ_TIMEOUT_MS = 10_000;

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: java bench/OpenLoop.java URL RATE CONNECTIONS DURATION_S [WARMUP_S]"
                    + " [--post BODY] [-H 'Name: value']...");
            System.exit(2);
        }
        URI url = URI.create(args[0]);
        int rate = positive(args[1], "RATE (requests a second)");
        int connections = positive(args[2], "CONNECTIONS");
        int duration = positive(args[3], "DURATION_S");
        int warmup = 0;
        String body = null;
        boolean timeline = false;
        List<String> headers = new ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            switch (args[i]) {
                case "--post" -> body = args[++i];
                case "-H" -> headers.add(args[++i]);
                case "--timeline" -> timeline = true;
                default -> warmup = Integer.parseInt(args[i]);
            }
        }
        if (url.getHost() == null || url.getPort() < 0) {
            System.err.println("OpenLoop: URL " + args[0] + " needs a host and a port, such as http://127.0.0.1:8080/");
            System.exit(2);
        }
        byte[] request = request(url, body, headers);

        long periodNanos = 1_000_000_000L / rate;   // between two requests over all connections
        long start = System.nanoTime() + 200_000_000L;   // time to connect before the first is due
        long measureFrom = start + warmup * 1_000_000_000L;
        long end = measureFrom + duration * 1_000_000_000L;
        long giveUp = end + duration * 1_000_000_000L;
        Connection[] all = new Connection[connections];
        Thread[] threads = new Thread[connections];
        for (int c = 0; c < connections; c++) {
            // Platform threads: a timed park wakes the thread itself, where a virtual one waits for a carrier too.
            all[c] = new Connection(url.getHost(), url.getPort(), request, c, connections, periodNanos,
                    start, measureFrom, end, giveUp, (int) ((long) rate * duration / connections + 16));
            threads[c] = Thread.ofPlatform().name("conn-" + c).start(all[c]);
        }
        for (Thread thread : threads) {
            thread.join();
        }

        long due = 0, sent = 0, non2xx = 0, ioErrors = 0, unsent = 0, lastDone = measureFrom, recorded = 0;
        String firstError = null;
        for (Connection c : all) {
            due += c.due;
            sent += c.sent;
            non2xx += c.non2xx;
            ioErrors += c.ioErrors;
            unsent += c.unsent;
            recorded += c.count;
            lastDone = Math.max(lastDone, c.lastDone);
            if (firstError == null) {
                firstError = c.firstError;
            }
        }
        long[] latencies = new long[(int) recorded];
        int at = 0;
        for (Connection c : all) {
            System.arraycopy(c.latencies, 0, latencies, at, c.count);
            at += c.count;
        }
        Arrays.sort(latencies);
        // The generator's own share: how late its threads woke for requests due on idle connections (a busy machine).
        long[] late = Arrays.stream(all).flatMapToLong(c -> Arrays.stream(c.late, 0, c.lateCount)).sorted().toArray();
        // Achieved: answers to the measured requests over the time from the first one due to the last answer.
        double achieved = recorded == 0 ? 0 : recorded / ((lastDone - measureFrom) / 1e9);
        long ok = recorded - non2xx;
        System.out.printf(Locale.ROOT, "%s: %d req/s over %d connections for %d s (after %d s unrecorded): achieved %.1f req/s;"
                        + " latency from the intended send time p50 %s, p90 %s, p99 %s, p99.9 %s, max %s ms;"
                        + " %d due, %d sent, %d 2xx, %d other status, %d connection errors, %d unsent;"
                        + " this generator woke late by p50 %s, p99 %s ms%n",
                url, rate, connections, duration, warmup, achieved, ms(latencies, 0.50), ms(latencies, 0.90),
                ms(latencies, 0.99), ms(latencies, 0.999), ms(latencies, 1.0), due, sent, ok, non2xx, ioErrors, unsent, ms(late, 0.5), ms(late, 0.99));
        System.out.printf(Locale.ROOT, "rate=%d achieved=%.1f due=%d sent=%d ok=%d non2xx=%d io_errors=%d unsent=%d"
                        + " p50_ms=%s p90_ms=%s p99_ms=%s p999_ms=%s max_ms=%s late_p50_ms=%s late_p99_ms=%s%n",
                rate, achieved, due, sent, ok, non2xx, ioErrors, unsent, ms(latencies, 0.50), ms(latencies, 0.90),
                ms(latencies, 0.99), ms(latencies, 0.999), ms(latencies, 1.0), ms(late, 0.5), ms(late, 0.99));
        if (firstError != null) {
            System.err.println("OpenLoop: first error: " + firstError);
        }
        if (timeline) {
            printTimeline(all, measureFrom, duration);
        }
    }

    private static void printTimeline(Connection[] all, long measureFrom, int seconds) {
        List<List<Long>> latencies = new ArrayList<>();
        int[] failed = new int[seconds];
        for (int i = 0; i < seconds; i++) {
            latencies.add(new ArrayList<>());
        }
        for (Connection c : all) {
            for (int i = 0; i < c.count; i++) {
                latencies.get(second(c.intended[i], measureFrom, seconds)).add(c.latencies[i]);
            }
            for (int i = 0; i < c.failedCount; i++) {
                failed[second(c.failedAt[i], measureFrom, seconds)]++;
            }
        }
        for (int i = 0; i < seconds; i++) {
            long[] sorted = latencies.get(i).stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "second %d: %d answered, %d failed, p99 %s ms, max %s ms%n",
                    i, sorted.length, failed[i], ms(sorted, 0.99), ms(sorted, 1.0));
        }
    }

    private static int second(long intended, long measureFrom, int seconds) {
        return (int) Math.min(seconds - 1, Math.max(0, (intended - measureFrom) / 1_000_000_000L));
    }

    private static int positive(String value, String what) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        System.err.println("OpenLoop: " + what + " must be a whole number above 0, not '" + value + "'");
        System.exit(2);
        return 0;
    }

    /** The value at quantile q (nearest rank), in ms with three decimals; "-" when nothing was recorded. */
    private static String ms(long[] sorted, double q) {
        if (sorted.length == 0) {
            return "-";
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return String.format(Locale.ROOT, "%.3f", sorted[Math.max(0, Math.min(sorted.length, rank) - 1)] / 1e6);
    }

    private static byte[] request(URI url, String body, List<String> headers) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            path += "?" + url.getRawQuery();
        }
        StringBuilder head = new StringBuilder()
                .append(body == null ? "GET " : "POST ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(url.getHost()).append(':').append(url.getPort()).append("\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            boolean typed = headers.stream().anyMatch(h -> h.regionMatches(true, 0, "Content-Type:", 0, 13));
            if (!typed) {
                head.append("Content-Type: application/json\r\n");
            }
            head.append("Content-Length: ").append(content.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = Arrays.copyOf(headBytes, headBytes.length + content.length);
        System.arraycopy(content, 0, all, headBytes.length, content.length);
        return all;
    }

    /** One keep-alive connection and its share of the schedule: the requests due at start + k × period, k ≡ index mod n. */
    private static final class Connection implements Runnable {
        private final String host;
        private final int port;
        private final byte[] request;
        private final int index;
        private final int n;
        private final long period;
        private final long start, measureFrom, end, giveUp;
        private final byte[] line = new byte[16 * 1024];
        long[] latencies;
        long[] intended;   // of each recorded latency, for --timeline
        int count;
        long[] late = new long[1024];   // how late this thread woke for a request due while its connection was idle
        int lateCount;
        long[] failedAt = new long[16];   // intended send times of the failed requests
        int failedCount;
        long due, sent, non2xx, ioErrors, unsent, lastDone;
        String firstError;
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        Connection(String host, int port, byte[] request, int index, int n, long period, long start, long measureFrom,
                   long end, long giveUp, int expected) {
            this.host = host;
            this.port = port;
            this.request = request;
            this.index = index;
            this.n = n;
            this.period = period;
            this.start = start;
            this.measureFrom = measureFrom;
            this.end = end;
            this.giveUp = giveUp;
            this.latencies = new long[expected];
            this.intended = new long[expected];
        }

        @Override
        public void run() {
            for (long k = index; ; k += n) {
                long intended = start + k * period;
                if (intended >= end) {
                    break;
                }
                long now = System.nanoTime();
                if (now > giveUp) {
                    if (intended >= measureFrom) {
                        due++;
                        unsent++;
                    }
                    continue;
                }
                boolean idle = now < intended;
                while (now < intended) {
                    LockSupport.parkNanos(intended - now);
                    now = System.nanoTime();
                }
                boolean measured = intended >= measureFrom;
                if (measured) {
                    due++;
                    if (idle) {
                        wokeLate(now - intended);
                    }
                }
                try {
                    if (socket == null) {
                        open();
                    }
                    out.write(request);
                    out.flush();
                    if (measured) {
                        sent++;
                    }
                    int status = readResponse();
                    long done = System.nanoTime();
                    if (measured) {
                        if (status < 200 || status > 299) {
                            non2xx++;
                            note("status " + status);
                            failedAt(intended);
                        }
                        record(intended, done - intended);
                        lastDone = done;
                    }
                } catch (IOException e) {
                    if (measured) {
                        ioErrors++;
                        note(e.toString());
                        failedAt(intended);
                    }
                    close();
                }
            }
            close();
        }

        private void note(String error) {
            if (firstError == null) {
                firstError = error;
            }
        }

        private void wokeLate(long nanos) {
            if (lateCount == late.length) {
                late = Arrays.copyOf(late, lateCount * 2);
            }
            late[lateCount++] = nanos;
        }

        private void failedAt(long intendedAt) {
            if (failedCount == failedAt.length) {
                failedAt = Arrays.copyOf(failedAt, failedCount * 2);
            }
            failedAt[failedCount++] = intendedAt;
        }

        private void record(long intendedAt, long nanos) {
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
                intended = Arrays.copyOf(intended, count * 2);
            }
            intended[count] = intendedAt;
            latencies[count++] = nanos;
        }

        private void open() throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), READ_TIMEOUT_MS);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            out = socket.getOutputStream();
        }

        private void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // gone already
                }
                socket = null;
            }
        }

        /** Reads one whole answer (Content-Length, chunked, or until close) and returns its status. */
        private int readResponse() throws IOException {
            int length = readLine();
            if (length < 12 || line[0] != 'H') {
                throw new IOException("not an HTTP status line: " + new String(line, 0, Math.max(0, length), StandardCharsets.ISO_8859_1));
            }
            int status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
            long contentLength = -1;
            boolean chunked = false, closes = false;
            while ((length = readLine()) > 0) {
                String header = new String(line, 0, length, StandardCharsets.ISO_8859_1);
                int colon = header.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = header.substring(0, colon).trim();
                String value = header.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    contentLength = Long.parseLong(value);
                } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                    chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                } else if (name.equalsIgnoreCase("Connection")) {
                    closes = value.equalsIgnoreCase("close");
                }
            }
            if (length < 0) {
                throw new EOFException("connection closed in the headers");
            }
            if (status == 204 || status == 304 || status / 100 == 1) {
                contentLength = 0;
            }
            if (chunked) {
                while (true) {
                    int sizeLine = readLine();
                    if (sizeLine < 0) {
                        throw new EOFException("connection closed in a chunked body");
                    }
                    String size = new String(line, 0, sizeLine, StandardCharsets.ISO_8859_1);
                    int semicolon = size.indexOf(';');
                    long chunk = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                    if (chunk == 0) {
                        while ((sizeLine = readLine()) > 0) {
                            // trailers
                        }
                        break;
                    }
                    skip(chunk);
                    readLine();   // the CRLF after the chunk
                }
            } else if (contentLength >= 0) {
                skip(contentLength);
            } else {
                in.readAllBytes();   // delimited by close
                closes = true;
            }
            if (closes) {
                close();
            }
            return status;
        }

        private void skip(long bytes) throws IOException {
            while (bytes > 0) {
                long skipped = in.skip(bytes);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new EOFException("connection closed in the body");
                    }
                    skipped = 1;
                }
                bytes -= skipped;
            }
        }

        /** The next line without its CRLF into {@link #line}; its length, or -1 at the end of the stream. */
        private int readLine() throws IOException {
            int length = 0;
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return length == 0 ? -1 : length;
                }
                if (b == '\n') {
                    return length > 0 && line[length - 1] == '\r' ? length - 1 : length;
                }
                if (length == line.length) {
                    throw new IOException("a line longer than " + line.length + " bytes");
                }
                line[length++] = (byte) b;
            }
        }
    }
}
