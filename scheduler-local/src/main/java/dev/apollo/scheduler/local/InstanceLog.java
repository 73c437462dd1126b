package dev.apollo.scheduler.local;

import dev.apollo.core.ApolloException;
import dev.apollo.core.port.Scheduler.LogCursor;
import dev.apollo.core.port.Scheduler.LogPage;
import dev.apollo.process.LogLimits;
import dev.apollo.process.LogRotation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * An instance's output: {@code output.log}, written by the instance itself (stdout and stderr
 * appended to the file, never piped through the control plane, so logging survives the control
 * plane), and the rotated copies {@code output.log.1}, {@code output.log.2}, ... (newest first).
 */
final class InstanceLog {
    static final String FILE = "output.log";
    private static final int TAIL_CHUNK = 8192;

    private final Path file;

    InstanceLog(Path instanceDir) {
        this.file = instanceDir.resolve(FILE);
    }

    Path file() {
        return file;
    }

    private Path rotated(int n) {
        return file.resolveSibling(FILE + "." + n);
    }

    /** Adds a line of our own, e.g. why the instance could not start. */
    void appendLine(String line) throws IOException {
        Files.writeString(file, line + System.lineSeparator(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Bytes read from the log and the offset to read from next. */
    record Chunk(byte[] bytes, long next) {}

    /** The current size of the log: where a reader of new output starts. */
    long end() throws IOException {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    /** A page of the log from a cursor of ours, or from {@link LogCursor#START} or {@link LogCursor#END}. */
    LogPage page(LogCursor from, int maxBytes) throws IOException {
        long offset = from.equals(LogCursor.START) ? 0 : from.equals(LogCursor.END) ? end() : offsetOf(from);
        Chunk chunk = read(offset, maxBytes);
        return new LogPage(chunk.bytes(), new LogCursor(Long.toString(chunk.next())));
    }

    /** Our cursors are byte offsets into output.log; one past its end means it was rotated since. */
    private static long offsetOf(LogCursor cursor) {
        try {
            long offset = Long.parseLong(cursor.token());
            if (offset >= 0) {
                return offset;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ApolloException.Invalid("log cursor '" + cursor.token() + "' was not made by the local scheduler;"
                + " start from LogCursor.START or LogCursor.END.");
    }

    /**
     * Reads from {@code offset}. An offset past the end means the log was rotated since the reader's
     * last call: the reader then starts over at the beginning of the current file.
     */
    Chunk read(long offset, int maxBytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long from = offset > size ? 0 : offset;
            int length = (int) Math.min(maxBytes, size - from);
            ByteBuffer buffer = ByteBuffer.allocate(length);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, from + buffer.position()) < 0) {
                    break; // truncated while we read
                }
            }
            byte[] bytes = new byte[buffer.position()];
            buffer.flip().get(bytes);
            return new Chunk(bytes, from + bytes.length);
        } catch (NoSuchFileException e) {
            return new Chunk(new byte[0], 0);
        }
    }

    /** The last {@code lines} lines, reaching into {@code output.log.1} when the current file has fewer. */
    List<String> tail(int lines) throws IOException {
        Deque<String> result = new ArrayDeque<>(lastLines(file, lines));
        if (result.size() < lines) {
            List<String> older = lastLines(rotated(1), lines - result.size());
            for (int i = older.size() - 1; i >= 0; i--) {
                result.addFirst(older.get(i));
            }
        }
        return List.copyOf(result);
    }

    // Reads backwards in chunks so that a tail of a large log costs about the size of the tail.
    private static List<String> lastLines(Path path, int lines) throws IOException {
        if (lines <= 0) {
            return List.of();
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long end = channel.size();
            long start = end;
            int newlines = 0;
            ByteBuffer chunk = ByteBuffer.allocate(TAIL_CHUNK);
            // Enough is read once it holds `lines` newlines, not counting one that ends the file:
            // everything after the earliest of them is exactly the last `lines` lines.
            while (start > 0 && newlines < lines) {
                long next = Math.max(0, start - TAIL_CHUNK);
                chunk.clear().limit((int) (start - next));
                while (chunk.hasRemaining() && channel.read(chunk, next + chunk.position()) >= 0) {
                    // fill the chunk
                }
                for (int i = chunk.position() - 1; i >= 0; i--) {
                    if (chunk.get(i) == '\n' && next + i != end - 1) {
                        newlines++;
                    }
                }
                start = next;
            }
            ByteBuffer text = ByteBuffer.allocate((int) (end - start));
            while (text.hasRemaining() && channel.read(text, start + text.position()) >= 0) {
                // fill the buffer
            }
            String[] split = new String(text.array(), 0, text.position(), StandardCharsets.UTF_8).split("\r?\n", -1);
            List<String> all = new ArrayList<>(List.of(split));
            if (!all.isEmpty() && all.get(all.size() - 1).isEmpty()) {
                all.remove(all.size() - 1);
            }
            return List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    /**
     * Rotates when the log passes {@code capBytes}, by copy and truncation ({@link LogRotation}),
     * not by rename: the instance writes this file itself, through the descriptor it was started
     * with (so logging outlives the control plane), and nothing can make a JVM reopen its standard
     * output, so a renamed file would keep growing under its new name.
     *
     * @return whether it rotated
     */
    boolean rotateIfLarger(long capBytes, int keep) throws IOException {
        return LogRotation.copyAndTruncateIfLarger(file, new LogLimits(capBytes, keep));
    }
}
