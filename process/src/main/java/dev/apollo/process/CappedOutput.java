package dev.apollo.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Keeps this process's own log under {@link LogLimits} when its standard output is a file (a
 * daemon's {@code server.log}, a systemd unit's {@code StandardOutput=append:FILE}): {@code
 * System.out} and {@code System.err} are replaced by streams that hand the file whole lines, and
 * the file is rotated between two lines, under the same lock the lines are written with, so no line
 * is cut in two or lost. The file is copied to {@code .1} and emptied in place rather than renamed,
 * because the standard output descriptor stays open on it: what the JVM writes there itself (a
 * warning, a crash message) still lands in the current log. Only those few bytes, written past our
 * lock, may fall between a copy and the emptying.
 *
 * <p>A line is written once it ends; a line longer than 64 KiB is written in pieces of that size.
 */
public final class CappedOutput {
    private static final int LONGEST_LINE = 64 * 1024;

    private CappedOutput() {}

    /**
     * Routes {@code System.out} (and {@code System.err}, when it goes to the same file) through a
     * capped log, when standard output is a regular file; call it before anything logs, since a
     * logging handler keeps the stream it was created with.
     *
     * @return the log file, or empty when standard output is a terminal, a pipe or a socket (left as it is)
     */
    public static Optional<Path> install(LogLimits limits) {
        Optional<Path> out = regularFile(1);
        if (out.isEmpty()) {
            return Optional.empty();
        }
        CappedFile file;
        try {
            file = new CappedFile(out.get(), limits);
        } catch (IOException e) {
            System.err.println("cannot keep " + out.get() + " under " + LogLimits.formatSize(limits.maxBytes()) + ": " + e.getMessage());
            return Optional.empty();
        }
        System.setOut(new PrintStream(new Lines(file), true, StandardCharsets.UTF_8));
        if (regularFile(2).equals(out)) {
            System.setErr(new PrintStream(new Lines(file), true, StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Where standard output goes, for a person: its file, "this terminal", or what it is (a pipe, a socket). */
    public static String describeStandardOutput() {
        Optional<Path> file = regularFile(1);
        if (file.isPresent()) {
            return file.get().toString();
        }
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString();
            if (target.startsWith("/dev/pts/") || target.startsWith("/dev/tty")) {
                return "this terminal";
            }
            if (target.startsWith("socket:")) {
                return "standard output (a socket: the journal under systemd, journalctl shows it)";
            }
            return "standard output (" + target + ")";
        } catch (IOException | UnsupportedOperationException e) {
            return "standard output";
        }
    }

    private static Optional<Path> regularFile(int descriptor) {
        try {
            Path target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + descriptor));
            return target.isAbsolute() && Files.isRegularFile(target) ? Optional.of(target) : Optional.empty();
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty(); // no /proc (macOS): left as it is
        }
    }

    /** The log file; every write and every rotation holds its lock. */
    static final class CappedFile {
        private final Path path;
        private final LogLimits limits;
        private FileChannel channel;

        CappedFile(Path path, LogLimits limits) throws IOException {
            this.path = path;
            this.limits = limits;
            this.channel = open(path);
        }

        private static FileChannel open(Path path) throws IOException {
            return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }

        synchronized void append(byte[] bytes, int length) throws IOException {
            long size = channel.size();
            if (size > 0 && size + length > limits.maxBytes()) {
                rotate();
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }

        private void rotate() throws IOException {
            if (!Files.exists(path)) {
                // Removed or renamed by someone else (an operator, a logrotate without copytruncate): what we
                // wrote is theirs now, and the log starts again where it belongs.
                channel.close();
                channel = open(path);
                return;
            }
            // Appending: the next write lands at the start, for us and for the descriptor.
            LogRotation.copyAndTruncate(path, limits.keep());
        }
    }

    /** One stream's bytes, handed on a whole line (or several) at a time. */
    static final class Lines extends OutputStream {
        private final CappedFile file;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        Lines(CappedFile file) {
            this.file = file;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            pending.write(b);
            if (b == '\n' || pending.size() >= LONGEST_LINE) {
                drain(pending.size());
            }
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
            pending.write(bytes, offset, length);
            if (pending.size() >= LONGEST_LINE) {
                drain(pending.size());
                return;
            }
            for (int i = offset + length - 1; i >= offset; i--) {
                if (bytes[i] == '\n') {
                    drain(pending.size() - (offset + length - 1 - i));
                    return;
                }
            }
        }

        /** Writes the first {@code upTo} pending bytes (whole lines) and keeps the rest. */
        private void drain(int upTo) throws IOException {
            byte[] all = pending.toByteArray();
            file.append(all, upTo);
            pending.reset();
            pending.write(all, upTo, all.length - upTo);
        }

        @Override
        public synchronized void close() throws IOException {
            if (pending.size() > 0) {
                drain(pending.size());
            }
        }
    }
}
