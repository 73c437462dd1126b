package dev.apollo.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A real process whose standard output and error go to one file, as a daemon's do, writing past a small cap. */
class CappedOutputTest {
    private static final int LINES = 150;
    private static final long CAP = 4096;
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    @RegisterExtension
    final Children children = new Children();

    @TempDir
    Path dir;

    @Test
    void twoStreamsWritingPastTheCapAreRotatedBetweenLinesWithNothingLost() throws Exception {
        assumeThat(Path.of("/proc/self/fd/1")).exists();
        Path log = dir.resolve("server.log");
        Files.writeString(log, "an earlier run's line\n");

        Process writer = children.start(Launch.of(List.of(JAVA, "-cp", System.getProperty("java.class.path"),
                Writer.class.getName(), Long.toString(CAP), "3")).appendingOutputTo(log));

        assertThat(writer.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(writer.exitValue()).as(Files.readString(log)).isZero();
        List<String> lines = new ArrayList<>();
        for (Path file : List.of(LogRotation.copy(log, 3), LogRotation.copy(log, 2), LogRotation.copy(log, 1), log)) {
            assertThat(file).exists();
            assertThat(Files.size(file)).as("%s", file).isLessThanOrEqualTo(CAP);
            assertThat(Files.readString(file)).as("%s ends with a whole line", file).endsWith("\n");
            lines.addAll(Files.readAllLines(file));
        }
        assertThat(LogRotation.copy(log, 4)).doesNotExist();
        assertThat(lines.getFirst()).isEqualTo("an earlier run's line");
        assertThat(lines.getLast()).isEqualTo("done");
        for (String stream : List.of("out", "err")) {
            List<String> written = lines.stream().filter(l -> l.startsWith(stream + " ")).toList();
            List<String> expected = new ArrayList<>();
            for (int n = 0; n < LINES; n++) {
                expected.add(stream + " " + n + " " + "x".repeat(30) + " end");
            }
            assertThat(written).as("every %s line, whole and in order", stream).isEqualTo(expected);
        }
    }

    @Test
    void theOldestCopiesGoFirst() throws Exception {
        Path log = dir.resolve("server.log");
        Process writer = children.start(Launch.of(List.of(JAVA, "-cp", System.getProperty("java.class.path"),
                Writer.class.getName(), "1024", "1")).appendingOutputTo(log));

        assertThat(writer.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(LogRotation.copy(log, 1)).exists();
        assertThat(LogRotation.copy(log, 2)).doesNotExist();
        assertThat(Files.size(log) + Files.size(LogRotation.copy(log, 1))).isLessThanOrEqualTo(2048);
        assertThat(Files.readAllLines(log).getLast()).isEqualTo("done");
    }

    @Test
    void aLogRemovedBySomeoneElseStartsAgainWhereItBelongs() throws IOException {
        Path log = dir.resolve("server.log");
        CappedOutput.CappedFile file = new CappedOutput.CappedFile(log, new LogLimits(100, 1));
        byte[] line = "a line of forty bytes, give or take it.\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        file.append(line, line.length);
        Files.move(log, dir.resolve("taken.log"));

        for (int i = 0; i < 3; i++) {
            file.append(line, line.length);
        }

        assertThat(log).exists();
        assertThat(Files.size(log)).isLessThanOrEqualTo(100);
        assertThat(Files.readString(log)).endsWith("take it.\n");
    }

    @Test
    void anotherWriterKeepingItsLogOpenHasItRenamed() throws IOException {
        Path log = dir.resolve("error.log");
        Files.writeString(log, "a".repeat(100));
        LogLimits limits = new LogLimits(50, 2);

        assertThat(LogRotation.renameIfLarger(log, limits)).isTrue();
        Files.writeString(log, "b".repeat(100));
        assertThat(LogRotation.renameIfLarger(log, limits)).isTrue();
        Files.writeString(log, "c".repeat(10));
        assertThat(LogRotation.renameIfLarger(log, limits)).isFalse();
        Files.writeString(log, "d".repeat(100), StandardOpenOption.APPEND);
        assertThat(LogRotation.renameIfLarger(log, limits)).isTrue();

        assertThat(log).doesNotExist();
        assertThat(LogRotation.copy(log, 1)).hasContent("c".repeat(10) + "d".repeat(100));
        assertThat(LogRotation.copy(log, 2)).hasContent("b".repeat(100));
        assertThat(LogRotation.copy(log, 3)).doesNotExist();
    }

    /** The child: caps its output, then two threads write lines, each in two pieces, on out and err. */
    public static final class Writer {
        public static void main(String[] args) throws InterruptedException {
            Path file = CappedOutput.install(new LogLimits(Long.parseLong(args[0]), Integer.parseInt(args[1]))).orElseThrow();
            if (!file.getFileName().toString().endsWith(".log")) {
                throw new AssertionError(file);
            }
            Thread out = Thread.ofPlatform().start(() -> write(System.out, "out"));
            Thread err = Thread.ofPlatform().start(() -> write(System.err, "err"));
            out.join();
            err.join();
            System.out.println("done");
        }

        private static void write(java.io.PrintStream stream, String name) {
            for (int n = 0; n < LINES; n++) {
                stream.print(name + " " + n + " ");
                Thread.yield(); // the other thread's lines, or a rotation, come between the pieces if anything would
                stream.println("x".repeat(30) + " end");
            }
        }
    }
}
