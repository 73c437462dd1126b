package dev.apollo.cli.local;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The last lines a file gained since some offset: what a server wrote while it failed to start. */
final class LogTail {
    private static final int MAX_BYTES = 64 * 1024;

    private LogTail() {}

    static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    static List<String> lastLines(Path file, long fromOffset, int count) {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            // An offset past the end: the server rotated its log since (it keeps server.log under a cap).
            long from = fromOffset > in.length() ? 0 : fromOffset;
            long start = Math.max(from, in.length() - MAX_BYTES);
            byte[] bytes = new byte[(int) Math.max(0, in.length() - start)];
            in.seek(start);
            in.readFully(bytes);
            List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            return lines.subList(Math.max(0, lines.size() - count), lines.size());
        } catch (IOException e) {
            return List.of();
        }
    }
}
