package dev.apollo.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real dumps, with the JDK the tests run on, of class lists as a JVM stopped mid-write can leave them. */
class ArchiveDumpTest {
    private static final Path JAVA = ProcessScheduler.Options.defaults().java();
    private static final JvmRun JVM = new JvmRun(JAVA, Duration.ofMinutes(2));
    private static final List<String> OPTIONS = InstanceCommand.jvmDefaults(Fixtures.webService());

    @TempDir
    Path dir;

    private Path classList;
    private Path archive;

    /** What a JVM that only prints its version records: a short but real list. */
    @BeforeEach
    void record() throws IOException, InterruptedException {
        classList = dir.resolve("web-service.classlist");
        archive = dir.resolve("web-service.jsa");
        List<String> command = new ArrayList<>(List.of(JAVA.toString()));
        command.addAll(OPTIONS);
        command.addAll(List.of("-XX:DumpLoadedClassList=" + classList, "-cp", Fixtures.webServiceJar().toString(), "-version"));
        Process writer = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(writer.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(classList).isNotEmptyFile();
    }

    private void append(String text) throws IOException {
        Files.writeString(classList, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    private boolean usable() throws IOException {
        return new ArchiveCheck(JVM).usable(archive, Fixtures.webServiceJar(), OPTIONS);
    }

    @Test
    void aListWithLinesRunTogetherAndOneCutShortStillMakesAnArchive() throws IOException {
        // Each of these alone stops the JDK's parser with "class list format error".
        append("java/util/List id:\n");
        append("java/lang/Object id: 0\n"); // an id given twice
        append("@bogus-tag x\n");
        append("@lambda-form-invoker [LF_RES"); // the writer stopped here

        assertThat(new ArchiveDump(JVM).make(classList, Fixtures.webServiceJar(), OPTIONS, archive)).isEmpty();
        assertThat(usable()).isTrue();
    }

    @Test
    void aListTheParserStillRefusesIsDumpedFromItsClassNamesAlone() throws IOException {
        append("com/example/Huge id: 99999999999999999999\n"); // well shaped, but past the parser's integers

        assertThat(new ArchiveDump(JVM).make(classList, Fixtures.webServiceJar(), OPTIONS, archive)).isEmpty();
        assertThat(usable()).isTrue();
    }

    @Test
    void aListWithNoWholeWellFormedLineIsNoDump() throws IOException {
        Files.writeString(classList, "not a class list at all\njava/lang/Obj", StandardCharsets.UTF_8);

        assertThat(new ArchiveDump(JVM).make(classList, Fixtures.webServiceJar(), OPTIONS, archive))
                .contains("the instance recorded no class");
        assertThat(archive).doesNotExist();
    }
}
