package dev.apollo.process;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Rotated copies of a log: {@code NAME.1} is the newest, {@code NAME.KEEP} the oldest kept. The two
 * ways to rotate differ in who keeps the file open: a writer that can reopen its log (nginx, on
 * SIGUSR1) has it renamed, so not a byte is lost; a file that stays open where it is (a process's
 * standard output) is copied and emptied in place.
 */
public final class LogRotation {
    private static final int COPY_LOOKS = 4;
    /** How far back from the copy's end a newline is looked for. */
    private static final int TAIL_LOOK = 64 * 1024;

    private LogRotation() {}

    /** The {@code n}th rotated copy of {@code log}. */
    public static Path copy(Path log, int n) {
        return log.resolveSibling(log.getFileName() + "." + n);
    }

    /** Its size, 0 when there is no such file yet. */
    public static long size(Path log) throws IOException {
        try {
            return Files.size(log);
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    /**
     * Renames {@code log} to {@code log.1} (the older copies moved one up, the oldest dropped) when
     * it has passed the limit: the writer must then reopen it, until which it keeps writing to the
     * renamed file. With {@code keep} 0 the log is deleted instead.
     *
     * @return whether it rotated
     */
    public static boolean renameIfLarger(Path log, LogLimits limits) throws IOException {
        if (size(log) <= limits.maxBytes()) {
            return false;
        }
        if (limits.keep() == 0) {
            Files.deleteIfExists(log);
            return true;
        }
        shiftCopies(log, limits.keep());
        Files.move(log, copy(log, 1), StandardCopyOption.REPLACE_EXISTING);
        return true;
    }

    /**
     * Copies {@code log} to {@code log.1} (the older copies moved one up, the oldest dropped) and
     * empties it in place, when it has passed the limit: for a log whose writer keeps it open and
     * cannot be told to reopen it (a process's standard output, opened in append mode, so that its
     * next write lands at the new end instead of leaving a hole). With {@code keep} 0 it is only
     * emptied. What the writer adds while the copy runs is copied too, until a look finds nothing new;
     * only a write between that last look and the truncation is lost, which is the price of not
     * owning the writer.
     *
     * @return whether it rotated
     */
    public static boolean copyAndTruncateIfLarger(Path log, LogLimits limits) throws IOException {
        if (size(log) <= limits.maxBytes()) {
            return false;
        }
        copyAndTruncate(log, limits.keep());
        return true;
    }

    /** {@link #copyAndTruncateIfLarger} without the size check: rotates now. */
    public static void copyAndTruncate(Path log, int keep) throws IOException {
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (keep > 0) {
                shiftCopies(log, keep);
                try (FileChannel copy = FileChannel.open(copy(log, 1), StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                    long copied = 0;
                    // A few looks: a writer that never pauses must not hold the rotation forever.
                    for (int look = 0; look < COPY_LOOKS && copied < channel.size(); look++) {
                        long size = channel.size();
                        while (copied < size) {
                            copied += channel.transferTo(copied, size - copied, copy);
                        }
                    }
                    endAtWholeLine(copy);
                }
            }
            channel.truncate(0);
        } catch (NoSuchFileException e) {
            // Gone already (removed by someone else): nothing to rotate.
        }
    }

    /**
     * Cuts a torn last line off the copy. A write that crosses a page boundary shows its first part
     * in the file's size before the rest is written (the size grows page by page), so the last look
     * may copy half a line, whose rest the truncation then drops: the line is lost either way, and
     * dropped whole it does not leave a fragment in the copy. A copy without any newline is kept as it is.
     */
    private static void endAtWholeLine(FileChannel copy) throws IOException {
        long size = copy.size();
        ByteBuffer tail = ByteBuffer.allocate((int) Math.min(size, TAIL_LOOK));
        copy.read(tail, size - tail.capacity());
        for (int i = tail.position() - 1; i >= 0; i--) {
            if (tail.get(i) == '\n') {
                copy.truncate(size - tail.capacity() + i + 1);
                return;
            }
        }
    }

    /** Makes room for a new {@code log.1}: drops {@code log.KEEP} and moves every other copy one up. */
    static void shiftCopies(Path log, int keep) throws IOException {
        Files.deleteIfExists(copy(log, keep));
        for (int n = keep - 1; n >= 1; n--) {
            if (Files.exists(copy(log, n))) {
                Files.move(copy(log, n), copy(log, n + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
