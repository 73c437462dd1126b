package dev.apollo.server.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * HTTP/1.1 by hand over a real socket, for requests no well-behaved client would send: malformed
 * request lines, broken chunked bodies, duplicate keys, stalls. Reads exactly one answer.
 */
public final class RawHttp {
    private RawHttp() {}

    /** One answer; {@code status} 0 when the server closed the connection without answering. */
    public record Answer(int status, Map<String, String> headers, String body, Duration took) {
        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }

        public boolean closedWithoutAnswer() {
            return status == 0;
        }

        @Override
        public String toString() {
            String shown = body.length() > 400 ? body.substring(0, 400) + "... (" + body.length() + " chars)" : body;
            return status + " " + headers.getOrDefault("content-type", "") + " " + shown;
        }
    }

    public static Answer exchange(int port, String request, Duration timeout) throws IOException {
        return exchange(port, request.getBytes(StandardCharsets.UTF_8), timeout);
    }

    public static Answer exchange(int port, byte[] request, Duration timeout) throws IOException {
        long started = System.nanoTime();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            return read(socket.getInputStream(), started);
        }
    }

    /** A request with a JSON body and the token; {@code Connection: close} so the answer ends the exchange. */
    public static String jsonRequest(String method, String path, String token, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n" + json;
    }

    public static String request(String method, String path, String token) {
        return method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                + "\r\nConnection: close\r\n\r\n";
    }

    /** Reads one answer: the status line, headers, then the body by Content-Length, chunks, or to the end. */
    static Answer read(InputStream in, long started) throws IOException {
        String statusLine;
        try {
            statusLine = line(in);
        } catch (SocketTimeoutException e) {
            throw new SocketTimeoutException("no answer within the socket timeout");
        }
        if (statusLine == null) {
            return new Answer(0, Map.of(), "", Duration.ofNanos(System.nanoTime() - started));
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new TreeMap<>();
        for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            headers.put(header.substring(0, colon).strip().toLowerCase(Locale.ROOT), header.substring(colon + 1).strip());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int size = Integer.parseInt(line(in).strip(), 16); size > 0; size = Integer.parseInt(line(in).strip(), 16)) {
                body.write(in.readNBytes(size));
                line(in);
            }
        } else {
            body.write(in.readAllBytes());
        }
        return new Answer(status, headers, body.toString(StandardCharsets.UTF_8), Duration.ofNanos(System.nanoTime() - started));
    }

    /** One line without its CRLF; null at the end of the stream before any byte of it. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int b;
        while ((b = readByte(in)) != -1) {
            if (b == '\n') {
                String text = bytes.toString(StandardCharsets.UTF_8);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            bytes.write(b);
        }
        return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.UTF_8);
    }

    private static int readByte(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (java.net.SocketException e) {
            return -1; // reset by the server: the same as closed, for a client
        }
    }
}
