package dev.apollo.scheduler.swarm;

import com.github.dockerjava.transport.DockerHttpClient.Response;
import dev.apollo.core.ApolloException;
import dev.apollo.core.port.Scheduler.LogCursor;
import dev.apollo.core.port.Scheduler.LogPage;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A task's output from the engine's log of its container (stdout and stderr as one stream),
 * read on by cursor. The engine pages by time only, so a cursor is the timestamp of an entry
 * (to the nanosecond) plus how many bytes of the entries from that instant on were read already:
 * {@code since=T} gives those entries again, and the count skips what was returned. Entries are
 * taken to come in time order; the engine stamps each when it reads it, so two streams written
 * in the same microsecond could, rarely, swap.
 */
final class ContainerLog {
    private final Engine engine;
    private final String container;

    /** One log entry: when the engine read it, and its bytes. */
    private record Entry(Instant at, byte[] bytes) {}

    ContainerLog(Engine engine, String container) {
        this.engine = engine;
        this.container = container;
    }

    LogPage page(LogCursor from, int maxBytes) {
        if (from.equals(LogCursor.END)) {
            List<Entry> last = fetch("&tail=1");
            if (last.isEmpty()) {
                return new LogPage(new byte[0], LogCursor.START);
            }
            Instant at = last.get(last.size() - 1).at();
            long size = fetch("&since=" + since(at)).stream().mapToLong(e -> e.bytes().length).sum();
            return new LogPage(new byte[0], cursor(at, size));
        }
        Instant since = from.equals(LogCursor.START) ? null : Instant.parse(from.token().substring(0, from.token().indexOf('+')));
        long skip = from.equals(LogCursor.START) ? 0 : Long.parseLong(from.token().substring(from.token().indexOf('+') + 1));
        List<Entry> entries = fetch(since == null ? "" : "&since=" + since(since));
        ByteArrayOutputStream page = new ByteArrayOutputStream();
        long position = 0;
        for (Entry entry : entries) {
            long end = position + entry.bytes().length;
            if (end > skip && page.size() < maxBytes) {
                int offset = (int) Math.max(0, skip - position);
                int length = Math.min(entry.bytes().length - offset, maxBytes - page.size());
                page.write(entry.bytes(), offset, length);
            }
            position = end;
        }
        if (entries.isEmpty()) {
            return new LogPage(new byte[0], from);
        }
        return new LogPage(page.toByteArray(), next(entries, skip + page.size()));
    }

    /** The cursor of byte {@code position} of {@code entries}: the instant of its entry, and the bytes from that instant on. */
    private static LogCursor next(List<Entry> entries, long position) {
        long start = 0;
        Instant at = entries.get(0).at();
        long firstOfInstant = 0;
        for (Entry entry : entries) {
            if (!entry.at().equals(at)) {
                at = entry.at();
                firstOfInstant = start;
            }
            long end = start + entry.bytes().length;
            if (position < end) {
                return cursor(at, position - firstOfInstant);
            }
            start = end;
        }
        return cursor(at, position - firstOfInstant);
    }

    List<String> tail(int lines) {
        if (lines == 0) {
            return List.of();
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        fetch("&tail=" + lines).forEach(e -> all.writeBytes(e.bytes()));
        List<String> split = new ArrayList<>(List.of(all.toString(StandardCharsets.UTF_8).split("\n")));
        split.removeIf(String::isEmpty);
        return List.copyOf(split.subList(Math.max(0, split.size() - lines), split.size()));
    }

    private static LogCursor cursor(Instant at, long bytesFromThere) {
        return new LogCursor(at + "+" + bytesFromThere);
    }

    private static String since(Instant at) {
        return at.getEpochSecond() + "." + String.format("%09d", at.getNano());
    }

    private List<Entry> fetch(String query) {
        String path = "/containers/" + container + "/logs?stdout=1&stderr=1&timestamps=1" + query;
        try (Response response = engine.send("GET", path, null, Map.of())) {
            return entries(response.getBody());
        } catch (ApolloException.NotFound e) {
            return List.of(); // the container is gone, and its log with it
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the log of container " + container, e);
        }
    }

    /** The engine's multiplexed stream: an 8-byte header (stream, 3 zeros, big-endian size), then "TIMESTAMP text". */
    private static List<Entry> entries(InputStream body) throws IOException {
        DataInputStream in = new DataInputStream(body);
        List<Entry> entries = new ArrayList<>();
        byte[] header = new byte[8];
        while (true) {
            try {
                in.readFully(header);
            } catch (EOFException e) {
                return entries;
            }
            int size = ((header[4] & 0xff) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8) | (header[7] & 0xff);
            byte[] frame = new byte[size];
            in.readFully(frame);
            int space = indexOf(frame, (byte) ' ');
            if (space < 0) {
                continue;
            }
            Instant at = Instant.parse(new String(frame, 0, space, StandardCharsets.US_ASCII));
            entries.add(new Entry(at, java.util.Arrays.copyOfRange(frame, space + 1, frame.length)));
        }
    }

    private static int indexOf(byte[] bytes, byte wanted) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
