package dev.apollo.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rotation of a log whose writer keeps it open in append mode, as an instance's standard output. */
class LogRotationTest {
    @TempDir
    Path dir;

    @Test
    void copyAndTruncateShiftsTheCopiesAndTheWriterGoesOnAtTheStart() throws IOException {
        Path log = dir.resolve("output.log");
        try (FileOutputStream writer = new FileOutputStream(log.toFile(), true)) {
            for (int round = 1; round <= 3; round++) {
                writer.write(("round " + round + "\n").getBytes(StandardCharsets.UTF_8));
                assertThat(LogRotation.copyAndTruncateIfLarger(log, new LogLimits(4, 2))).isTrue();
            }
            writer.write("after\n".getBytes(StandardCharsets.UTF_8));
        }

        assertThat(log).hasContent("after");
        assertThat(LogRotation.copy(log, 1)).hasContent("round 3");
        assertThat(LogRotation.copy(log, 2)).hasContent("round 2");
        assertThat(LogRotation.copy(log, 3)).doesNotExist();
        assertThat(LogRotation.copyAndTruncateIfLarger(log, new LogLimits(100, 2))).isFalse();
        assertThat(LogRotation.copyAndTruncateIfLarger(dir.resolve("none.log"), new LogLimits(1, 2))).isFalse();
    }

    @Test
    void aLineCaughtHalfWrittenIsLeftOutOfTheCopyWholeRatherThanKeptTorn() throws IOException {
        // What the copy sees when a write crosses a page boundary: the file has grown by the first part only.
        Path log = dir.resolve("output.log");
        Files.writeString(log, "line 1\nline 2\nli");

        LogRotation.copyAndTruncate(log, 1);

        assertThat(LogRotation.copy(log, 1)).hasContent("line 1\nline 2");
        assertThat(log).isEmptyFile();
    }

    @Test
    void rotatingUnderABusyWriterKeepsItsLinesWholeInOrderAndNeverTwice() throws Exception {
        Path log = dir.resolve("output.log");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger written = new AtomicInteger();
        Thread writer = Thread.ofPlatform().start(() -> {
            try (FileOutputStream out = new FileOutputStream(log.toFile(), true)) {
                for (int i = 0; !stop.get(); i++) {
                    out.write(("line " + i + "\n").getBytes(StandardCharsets.UTF_8)); // one write(2) a line
                    written.set(i + 1);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        int rotations = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try {
            while (rotations < 20 && System.nanoTime() < deadline) {
                // Every copy kept, so that what was lost can be counted.
                if (LogRotation.copyAndTruncateIfLarger(log, new LogLimits(4096, 100))) {
                    rotations++;
                }
            }
        } finally {
            stop.set(true);
            writer.join();
        }

        List<String> lines = new ArrayList<>();
        for (int n = rotations; n >= 1; n--) {
            lines.addAll(Files.readAllLines(LogRotation.copy(log, n)));
        }
        lines.addAll(Files.readAllLines(log));
        assertThat(lines).allMatch(l -> l.matches("line \\d+"));
        List<Integer> numbers = lines.stream().map(l -> Integer.parseInt(l.substring(5))).toList();
        assertThat(rotations).as("rotations while it wrote").isEqualTo(20);
        assertThat(numbers).as("in order, none twice").isSorted().doesNotHaveDuplicates();
        // Lines written between the last look and the truncation are lost, more of them when this thread is
        // descheduled there (the CPU is shared): how many depends on the machine, so it is only reported.
        assertThat(numbers).as("%d of %d lines lost in %d rotations", written.get() - numbers.size(), written.get(),
                rotations).isNotEmpty();
    }
}
