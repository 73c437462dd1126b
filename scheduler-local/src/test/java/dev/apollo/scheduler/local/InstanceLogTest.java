package dev.apollo.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceLogTest {
    @TempDir
    Path dir;

    private void write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private static String lines(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining());
    }

    @Test
    void missingLogReadsAsEmpty() throws IOException {
        InstanceLog log = new InstanceLog(dir);

        assertThat(log.read(0, 100).bytes()).isEmpty();
        assertThat(log.tail(10)).isEmpty();
    }

    @Test
    void readsFromAnOffsetAndStartsOverWhenTheOffsetIsPastTheEnd() throws IOException {
        write("output.log", "hello world\n");
        InstanceLog log = new InstanceLog(dir);

        InstanceLog.Chunk middle = log.read(6, 5);
        InstanceLog.Chunk rotated = log.read(100, 1000);

        assertThat(new String(middle.bytes(), StandardCharsets.UTF_8)).isEqualTo("world");
        assertThat(middle.next()).isEqualTo(11);
        assertThat(new String(rotated.bytes(), StandardCharsets.UTF_8)).isEqualTo("hello world\n");
        assertThat(rotated.next()).isEqualTo(12);
        assertThat(log.read(12, 10).bytes()).isEmpty();
        assertThat(log.read(12, 10).next()).isEqualTo(12);
    }

    @Test
    void tailReadsTheLastLinesOfALargeLog() throws IOException {
        write("output.log", lines(1, 5000));

        assertThat(new InstanceLog(dir).tail(3)).containsExactly("line 4998", "line 4999", "line 5000");
        assertThat(new InstanceLog(dir).tail(0)).isEmpty();
    }

    @Test
    void tailKeepsALastLineWithoutNewlineAndCrLf() throws IOException {
        write("output.log", "one\r\ntwo\r\nthree");

        assertThat(new InstanceLog(dir).tail(2)).containsExactly("two", "three");
        assertThat(new InstanceLog(dir).tail(10)).containsExactly("one", "two", "three");
    }

    @Test
    void tailReachesIntoTheRotatedFile() throws IOException {
        write("output.log.1", lines(1, 10));
        write("output.log", lines(11, 12));

        assertThat(new InstanceLog(dir).tail(4)).containsExactly("line 9", "line 10", "line 11", "line 12");
    }

    @Test
    void rotationShiftsCopiesAndKeepsOnlySome() throws IOException {
        InstanceLog log = new InstanceLog(dir);
        for (int round = 1; round <= 4; round++) {
            write("output.log", "round " + round + "\n");
            assertThat(log.rotateIfLarger(3, 2)).isTrue();
        }

        assertThat(dir.resolve("output.log")).isEmptyFile();
        assertThat(dir.resolve("output.log.1")).hasContent("round 4");
        assertThat(dir.resolve("output.log.2")).hasContent("round 3");
        assertThat(dir.resolve("output.log.3")).doesNotExist();
        assertThat(log.rotateIfLarger(3, 2)).isFalse();
    }

    @Test
    void aWriterInAppendModeContinuesAtTheStartAfterTruncation() throws IOException {
        InstanceLog log = new InstanceLog(dir);
        // The instance's side of the file, as ProcessBuilder.Redirect.appendTo opens it (O_APPEND).
        try (FileOutputStream instance = new FileOutputStream(log.file().toFile(), true)) {
            instance.write("before rotation\n".getBytes(StandardCharsets.UTF_8));
            instance.flush();
            assertThat(log.rotateIfLarger(4, 1)).isTrue();
            instance.write("after\n".getBytes(StandardCharsets.UTF_8));
        }

        assertThat(log.file()).hasContent("after");
        assertThat(dir.resolve("output.log.1")).hasContent("before rotation");
        assertThat(log.tail(2)).containsExactly("before rotation", "after");
    }

    @Test
    void keepingNoCopiesOnlyTruncates() throws IOException {
        write("output.log", lines(1, 100));

        assertThat(new InstanceLog(dir).rotateIfLarger(10, 0)).isTrue();

        assertThat(dir.resolve("output.log")).isEmptyFile();
        assertThat(dir.resolve("output.log.1")).doesNotExist();
    }
}
