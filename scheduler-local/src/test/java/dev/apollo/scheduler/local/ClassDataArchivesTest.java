package dev.apollo.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apollo.core.model.InstanceId;
import dev.apollo.core.port.ReleaseSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which options an instance gets, with the JDK the tests run on recording classes and making real (small) archives. */
class ClassDataArchivesTest {
    private static final Path JAVA = ProcessScheduler.Options.defaults().java();
    private static final InstanceId FIRST = new InstanceId("web-service-a1");
    private static final InstanceId SECOND = new InstanceId("web-service-a2");

    @TempDir
    Path stateDir;

    private final Set<InstanceId> running = ConcurrentHashMap.newKeySet();
    private final List<ClassDataArchives> opened = new ArrayList<>();
    private final ReleaseSpec spec = Fixtures.webService();

    private ClassDataArchives archives() {
        return open(Duration.ofMinutes(1));
    }

    private ClassDataArchives open(Duration quiet) {
        ClassDataArchives archives = new ClassDataArchives(stateDir, JAVA, running::contains, quiet);
        opened.add(archives);
        return archives;
    }

    @AfterEach
    void close() {
        opened.forEach(ClassDataArchives::close);
    }

    private List<String> optionsFor(ClassDataArchives archives, ReleaseSpec release, InstanceId instance) {
        return archives.optionsFor(release, instance, InstanceCommand.jvmDefaults(release));
    }

    private static Path value(String option) {
        return Path.of(option.substring(option.indexOf('=') + 1));
    }

    /** What a writer's JVM records, in a JVM that only prints its version: a short but real class list. */
    private void record(List<String> writerOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(JAVA.toString()));
        command.addAll(InstanceCommand.jvmDefaults(spec));
        command.addAll(writerOptions);
        command.addAll(List.of("-cp", Fixtures.webServiceJar().toString(), "-version"));
        Process writer = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(writer.exitValue()).isZero();
    }

    private List<String> cdsFiles() throws IOException {
        try (Stream<Path> files = Files.list(stateDir.resolve("cds"))) {
            return files.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    private List<String> awaitSettled(ClassDataArchives archives, InstanceId next) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> optionsFor(archives, spec, next),
                options -> !options.isEmpty());
    }

    @Test
    void theFirstInstanceRecordsItsClassesAndTheOthersStartWithoutAnArchiveMeanwhile() {
        ClassDataArchives archives = archives();

        List<String> first = optionsFor(archives, spec, FIRST);
        running.add(FIRST);
        List<String> second = optionsFor(archives, spec, SECOND);

        assertThat(first).singleElement().asString()
                .startsWith("-XX:DumpLoadedClassList=" + stateDir.resolve("cds").resolve("web-service-"))
                .endsWith("." + FIRST + ".classlist");
        assertThat(second).isEmpty();
        assertThat(archives.settle()).as("the writer has not even started").isEmpty();
    }

    @Test
    void aFinishedWritersClassesBecomeTheArchiveOfEveryoneAfterInAJvmOfItsOwn() throws Exception {
        ClassDataArchives archives = archives();
        List<String> writer = optionsFor(archives, spec, FIRST);
        record(writer);

        assertThat(archives.settle()).containsExactly(Path.of(spec.artifact()));
        List<String> next = awaitSettled(archives, SECOND);

        Path archive = value(next.get(0));
        assertThat(next).containsExactly("-XX:SharedArchiveFile=" + archive);
        assertThat(archive).isNotEmptyFile().hasParent(stateDir.resolve("cds"));
        assertThat(cdsFiles()).containsExactly(archive.getFileName().toString()); // no list, dump or snapshot left
        assertThat(new ArchiveCheck(new JvmRun(JAVA, Duration.ofSeconds(30))).usable(archive, Fixtures.webServiceJar(),
                InstanceCommand.jvmDefaults(spec))).isTrue();
        assertThat(optionsFor(archives, spec, new InstanceId("web-service-a3"))).isEqualTo(next);
    }

    @Test
    void aRunningWritersArchiveIsMadeOnceItHasLoadedNothingNewForAWhile() throws Exception {
        ClassDataArchives archives = archives();
        Path classList = value(optionsFor(archives, spec, FIRST).get(0));
        running.add(FIRST);
        record(List.of("-XX:DumpLoadedClassList=" + classList));

        assertThat(archives.settle()).as("it loaded classes a moment ago: still starting").isEmpty();
        Files.setLastModifiedTime(classList, FileTime.from(Instant.now().minus(Duration.ofMinutes(2))));
        assertThat(archives.settle()).hasSize(1);

        assertThat(awaitSettled(archives, SECOND).get(0)).startsWith("-XX:SharedArchiveFile=");
        assertThat(FIRST).as("its instance goes on; only its list is gone").isIn(running);
        assertThat(classList).doesNotExist();
    }

    @Test
    void aListTheJdkCannotMakeAnArchiveOfIsNotTriedAgainAndInstancesRunWithoutOne() throws IOException {
        ClassDataArchives archives = archives();
        Path classList = value(optionsFor(archives, spec, FIRST).get(0));
        Files.writeString(classList, "not a class list at all\n", StandardCharsets.UTF_8);

        assertThat(archives.settle()).hasSize(1);

        await().atMost(Duration.ofSeconds(60)).until(() -> !Files.exists(classList));
        assertThat(optionsFor(archives, spec, SECOND)).isEmpty();
        assertThat(cdsFiles()).isEmpty();
    }

    @Test
    void aWriterThatExitedBeforeItsJvmRecordedAnythingHandsTheRecordingToTheNextInstance() {
        ClassDataArchives archives = archives();
        optionsFor(archives, spec, FIRST); // and its JVM never started

        archives.settle();

        await().atMost(Duration.ofSeconds(30)).until(() -> optionsFor(archives, spec, SECOND),
                options -> options.size() == 1 && options.get(0).endsWith("." + SECOND + ".classlist"));
    }

    @Test
    void whatAnEarlierControlPlaneLeftHalfMadeIsDeletedAndRecordedAfresh() throws IOException {
        Path classList = value(optionsFor(archives(), spec, FIRST).get(0));
        Files.writeString(classList, "java/lang/Object id: 1\n", StandardCharsets.UTF_8);
        Files.writeString(classList.resolveSibling("web-service-0123456789abcdef01234567.tmp"), "a dump cut short");

        ClassDataArchives restarted = archives();

        assertThat(cdsFiles()).isEmpty();
        assertThat(optionsFor(restarted, spec, SECOND)).singleElement().asString().endsWith("." + SECOND + ".classlist");
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
        assertThat(new ClassDataArchives(stateDir, java, running::contains, Duration.ZERO).optionsFor(spec, FIRST,
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
