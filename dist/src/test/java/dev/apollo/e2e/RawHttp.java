package dev.apollo.e2e;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** HTTP/1.x by hand over one connection: exactly the bytes a test means, and the answer as it came. */
final class RawHttp implements AutoCloseable {
    /** One response: its status line as sent, its header lines, and its body with any chunking undone. */
    record Response(String statusLine, List<String> headerLines, byte[] body, boolean chunked) {
        int status() {
            String[] parts = statusLine.split(" ");
            return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
        }

        String version() {
            return statusLine.split(" ")[0];
        }

        List<String> headers(String name) {
            List<String> values = new ArrayList<>();
            for (String line : headerLines) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) {
                    values.add(line.substring(colon + 1).strip());
                }
            }
            return values;
        }

        Optional<String> header(String name) {
            return headers(name).stream().findFirst();
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return statusLine + " " + headerLines + " " + (body.length > 300 ? body.length + " bytes" : text());
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttp(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(15_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    RawHttp send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawHttp send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** The next response; {@code head}: it answers a HEAD request, so it has no body whatever it says. */
    Response read(boolean head) throws IOException {
        String statusLine = line();
        List<String> headers = new ArrayList<>();
        for (String line = line(); !line.isEmpty(); line = line()) {
            headers.add(line);
        }
        Response shape = new Response(statusLine, headers, new byte[0], false);
        int status = shape.status();
        if (head || status == 204 || status == 304 || (status >= 100 && status < 200)) {
            return shape;
        }
        boolean chunked = shape.header("Transfer-Encoding").map(v -> v.toLowerCase(Locale.ROOT).contains("chunked")).orElse(false);
        if (chunked) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line().split(";")[0].strip(), 16); size > 0;
                    size = Integer.parseInt(line().split(";")[0].strip(), 16)) {
                body.write(in.readNBytes(size));
                line();
            }
            while (!line().isEmpty()) {
                // trailers
            }
            return new Response(statusLine, headers, body.toByteArray(), true);
        }
        Optional<String> length = shape.header("Content-Length");
        if (length.isPresent()) {
            return new Response(statusLine, headers, in.readNBytes(Integer.parseInt(length.get())), false);
        }
        return new Response(statusLine, headers, in.readAllBytes(), false);
    }

    Response read() throws IOException {
        return read(false);
    }

    /** Reads until {@code marker} has come (true) or the connection ended or stayed silent (false). */
    boolean readUntil(String marker) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        try {
            for (int b = in.read(); b >= 0; b = in.read()) {
                seen.write(b);
                if (seen.toString(StandardCharsets.ISO_8859_1).contains(marker)) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        }
        return false;
    }

    /** Whether the peer closed the connection (rather than leaving it open and silent). */
    boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed after: " + line.toString(StandardCharsets.ISO_8859_1));
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
