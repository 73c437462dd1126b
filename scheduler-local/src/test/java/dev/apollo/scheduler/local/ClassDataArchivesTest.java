package dev.apollo.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.core.model.InstanceId;
import dev.apollo.core.port.ReleaseSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which options an instance gets, with the JDK the tests run on checking and writing real (small) archives. */
class ClassDataArchivesTest {
    private static final Path JAVA = ProcessScheduler.Options.defaults().java();
    private static final InstanceId FIRST = new InstanceId("web-service-a1");
    private static final InstanceId SECOND = new InstanceId("web-service-a2");

    @TempDir
    Path stateDir;

    private final Set<InstanceId> running = new HashSet<>();
    private final ReleaseSpec spec = Fixtures.webService();

    private ClassDataArchives archives() {
        return new ClassDataArchives(stateDir, JAVA, running::contains);
    }

    private List<String> optionsFor(ClassDataArchives archives, ReleaseSpec release, InstanceId instance) {
        return archives.optionsFor(release, instance, InstanceCommand.jvmDefaults(release));
    }

    private static Path value(String option) {
        return Path.of(option.substring(option.indexOf('=') + 1));
    }

    /** What the writer's JVM does at its exit, in a JVM that only prints its version: a small but real archive. */
    private void writeArchiveAtExit(List<String> writerOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(JAVA.toString()));
        command.addAll(InstanceCommand.jvmDefaults(spec));
        command.addAll(writerOptions);
        command.addAll(List.of("-cp", Fixtures.webServiceJar().toString(), "-version"));
        Process writer = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(writer.exitValue()).isZero();
    }

    @Test
    void theFirstInstanceWritesTheArchiveAtExitAndTheOthersWaitForIt() {
        ClassDataArchives archives = archives();

        List<String> first = optionsFor(archives, spec, FIRST);
        running.add(FIRST);
        List<String> second = optionsFor(archives, spec, SECOND);

        assertThat(first).hasSize(2);
        assertThat(first.get(0)).startsWith("-XX:ArchiveClassesAtExit=" + stateDir.resolve("cds").resolve("web-service-"))
                .endsWith("." + FIRST + ".tmp");
        assertThat(first.get(1)).isEqualTo("-Xlog:cds*=off");
        assertThat(value(first.get(0))).exists(); // made before the writer starts: a later control plane sees it too
        assertThat(second).isEmpty();
        assertThat(optionsFor(new ClassDataArchives(stateDir, JAVA, running::contains), spec, SECOND)).isEmpty();
    }

    @Test
    void aFinishedWritersArchiveIsCheckedAndMovedIntoPlaceForEveryoneAfter() throws Exception {
        ClassDataArchives archives = archives();
        List<String> writer = optionsFor(archives, spec, FIRST);
        writeArchiveAtExit(writer);

        List<String> second = optionsFor(archives, spec, SECOND);

        Path output = value(writer.get(0));
        String archive = output.toString().replace("." + FIRST + ".tmp", ".jsa");
        assertThat(second).containsExactly("-XX:SharedArchiveFile=" + archive);
        assertThat(Path.of(archive)).isNotEmptyFile();
        assertThat(output).doesNotExist();
        assertThat(optionsFor(archives, spec, new InstanceId("web-service-a3"))).isEqualTo(second);
    }

    @Test
    void whatAWriterThatNeverFinishedLeftIsDeletedAndTheNextInstanceWritesInstead() throws IOException {
        ClassDataArchives archives = archives();
        Path killedBeforeItsExit = value(optionsFor(archives, spec, FIRST).get(0)); // left as it was made: empty

        Path killedWhileWriting = value(optionsFor(archives, spec, SECOND).get(0));
        Files.write(killedWhileWriting, new byte[64 * 1024]); // the JVM writes the header last: zeros until then
        InstanceId third = new InstanceId("web-service-a3");
        List<String> next = optionsFor(archives, spec, third);

        assertThat(killedBeforeItsExit).doesNotExist();
        assertThat(killedWhileWriting).doesNotExist();
        assertThat(next.get(0)).startsWith("-XX:ArchiveClassesAtExit=").endsWith("." + third + ".tmp");
    }

    @Test
    void aGarbageArchiveIsNeverMovedIntoPlace() throws IOException {
        ClassDataArchives archives = archives();
        Path output = value(optionsFor(archives, spec, FIRST).get(0));
        Files.writeString(output, "not an archive at all, though long enough to look like one".repeat(100),
                StandardCharsets.UTF_8);

        assertThat(optionsFor(archives, spec, SECOND).get(0)).startsWith("-XX:ArchiveClassesAtExit=");
        try (var files = Files.list(stateDir.resolve("cds"))) {
            assertThat(files.map(path -> path.getFileName().toString())).noneMatch(name -> name.endsWith(".jsa"));
        }
    }

    @Test
    void aReleaseThatBringsItsOwnSharingOptionsGetsNoneOfOurs() {
        ClassDataArchives archives = archives();

        for (String own : List.of("-XX:SharedArchiveFile=/srv/own.jsa", "-Xshare:off", "-XX:ArchiveClassesAtExit=own.jsa",
                "-XX:+AutoCreateSharedArchive", "-XX:AOTCache=app.aot", "-XX:AOTCacheOutput=app.aot", "-XX:AOTMode=off")) {
            assertThat(optionsFor(archives, withJvmOptions(List.of("-Xss512k", own)), FIRST)).as(own).isEmpty();
        }
        assertThat(stateDir.resolve("cds")).doesNotExist();
        assertThat(optionsFor(archives, withJvmOptions(List.of("-Xss512k")), FIRST)).isNotEmpty();
    }

    @Test
    void theArchiveBelongsToOneJarOneJdkAndOneSetOfOptions() throws IOException {
        Path jar = Fixtures.webServiceJar();
        Path copy = Files.copy(jar, stateDir.resolve("web-service.jar"));
        InstanceJdk jdk = InstanceJdk.of(JAVA);
        InstanceJdk updated = new InstanceJdk(jdk.java(), jdk.release().replace("JAVA_VERSION=", "JAVA_VERSION_WAS="));
        List<String> options = List.of("-Xmx64m");
        ArchiveKey key = ArchiveKey.of(jar, "aa", jdk, options);

        assertThat(ArchiveKey.of(jar, "aa", jdk, options)).isEqualTo(key);
        assertThat(key.name()).startsWith("web-service-").matches("web-service-[0-9a-f]{24}");
        assertThat(List.of(ArchiveKey.of(jar, "bb", jdk, options), ArchiveKey.of(copy, "aa", jdk, options),
                ArchiveKey.of(jar, "aa", updated, options),
                ArchiveKey.of(jar, "aa", jdk, List.of("-Xmx64m", "-XX:-UseCompressedOops"))))
                .doesNotContain(key).doesNotHaveDuplicates();
    }

    @Test
    void aJavaOlderThanApollosFirstJdkGetsNoArchive() throws IOException {
        Path home = Files.createDirectories(stateDir.resolve("jdk-17/bin")).getParent();
        Path java = Files.createFile(home.resolve("bin/java"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"17.0.9\"\n");

        assertThat(InstanceJdk.of(java).feature()).isEqualTo(17);
        assertThat(new ClassDataArchives(stateDir, java, running::contains).optionsFor(spec, FIRST,
                InstanceCommand.jvmDefaults(spec))).isEmpty();
        assertThat(new InstanceJdk(java, "JAVA_VERSION=\"1.8.0_402\"\n").feature()).isEqualTo(8);
        assertThat(new InstanceJdk(java, "").feature()).isZero();
    }

    @Test
    void whenTheArchiveDirectoryCannotBeMadeTheInstanceStartsWithoutAnArchive() throws IOException {
        Files.writeString(stateDir.resolve("cds"), "a file where the directory should be");

        assertThat(optionsFor(archives(), spec, FIRST)).isEmpty();
    }

    private ReleaseSpec withJvmOptions(List<String> jvmOptions) {
        return Fixtures.withOptions(spec, List.of(), jvmOptions);
    }
}
