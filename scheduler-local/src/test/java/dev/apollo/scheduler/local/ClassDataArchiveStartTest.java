package dev.apollo.scheduler.local;

import static dev.apollo.scheduler.local.Fixtures.get;
import static dev.apollo.scheduler.local.Fixtures.observed;
import static dev.apollo.scheduler.local.Fixtures.startOne;
import static dev.apollo.scheduler.local.Fixtures.webService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apollo.core.model.Address;
import dev.apollo.core.model.InstanceId;
import dev.apollo.core.port.ObservedInstance;
import dev.apollo.core.port.ReleaseSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Instances of the example web service with their artifact's archive absent, being made, present and damaged. */
class ClassDataArchiveStartTest {
    @TempDir
    Path stateDir;

    private ProcessScheduler scheduler;
    private final ReleaseSpec release = webService();

    @BeforeEach
    void open() {
        scheduler = ProcessScheduler.open(stateDir,
                ProcessScheduler.Options.defaults().withLogCheckInterval(Duration.ofMillis(200)));
    }

    @AfterEach
    void stopEverything() {
        scheduler.close();
        Fixtures.killAll(stateDir);
    }

    /** Starts one more instance and waits until it answers; returns its id. */
    private String startAnswering() {
        String id = startOne(scheduler, release);
        awaitAnswer(id);
        return id;
    }

    private void awaitAnswer(String id) {
        Address address = observed(scheduler, id).address().orElseThrow();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> get(address, "/health/is_alive"), Optional::isPresent);
        assertThat(get(address, "/")).hasValueSatisfying(body -> assertThat(body).contains("\"instance\":\"" + id + "\""));
    }

    private void stopAll() {
        List<InstanceId> running = scheduler.instances().stream().filter(ObservedInstance::running).map(ObservedInstance::id)
                .toList();
        scheduler.retire(release.id(), Duration.ofSeconds(20));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> running.stream().noneMatch(id -> observed(scheduler, id.value()).running()));
    }

    private List<String> arguments(String id) throws IOException {
        return List.of(Fixtures.process(stateDir, id).info().arguments().orElseThrow());
    }

    private static Optional<Path> option(List<String> arguments, String name) {
        return arguments.stream().filter(argument -> argument.startsWith(name + "=")).findFirst()
                .map(argument -> Path.of(argument.substring(name.length() + 1)));
    }

    private boolean maps(String id, Path file) throws IOException {
        return Files.readString(Path.of("/proc", Long.toString(Fixtures.process(stateDir, id).pid()), "maps"))
                .contains(file.toString());
    }

    private List<Path> cdsFiles() throws IOException {
        try (Stream<Path> files = Files.list(stateDir.toRealPath().resolve("cds"))) {
            return files.sorted().toList();
        }
    }

    private Path awaitArchive() {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> cdsFiles().stream().filter(file -> file.toString().endsWith(".jsa")).toList(),
                        archives -> archives.size() == 1).get(0);
    }

    @Test
    void theFirstInstanceRecordsItsClassesAndOnceItStopsTheNextStartsWithTheArchive() throws IOException {
        String first = startAnswering();
        Path classList = option(arguments(first), "-XX:DumpLoadedClassList").orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(classList).contains("dev/apollo/"));

        stopAll();
        assertThat(observed(scheduler, first).exit()).hasValueSatisfying(exit -> assertThat(exit.code()).isEqualTo(143));
        Path archive = awaitArchive();
        String second = startAnswering();

        assertThat(option(arguments(second), "-XX:SharedArchiveFile")).contains(archive);
        assertThat(cdsFiles()).containsExactly(archive);
        assertThat(maps(second, archive)).as("the second instance maps the archive").isTrue();
        assertThat(option(arguments(second), "-XX:DumpLoadedClassList")).isEmpty();
    }

    @Test
    void instancesStartingAtOnceHaveOneRecorderAndLeaveOneArchive() throws IOException {
        List<ObservedInstance> both = scheduler.ensure(release, 2);
        both.forEach(instance -> awaitAnswer(instance.id().value()));
        List<Optional<Path>> recorders = List.of(
                option(arguments(both.get(0).id().value()), "-XX:DumpLoadedClassList"),
                option(arguments(both.get(1).id().value()), "-XX:DumpLoadedClassList"));
        assertThat(recorders).filteredOn(Optional::isPresent).hasSize(1);

        stopAll(); // both at once
        Path archive = awaitArchive();
        String next = startAnswering();

        assertThat(option(arguments(next), "-XX:SharedArchiveFile")).contains(archive);
        assertThat(maps(next, archive)).isTrue();
    }

    @Test
    void anInstanceWhoseArchiveIsGarbageStartsAndAnswersWithAWarningInItsLog() throws IOException {
        startAnswering();
        stopAll();
        Path archive = awaitArchive();
        String second = startAnswering();
        assertThat(option(arguments(second), "-XX:SharedArchiveFile")).contains(archive);
        stopAll();
        byte[] garbage = new byte[256 * 1024];
        new Random(7).nextBytes(garbage);
        Files.write(archive, garbage);

        String third = startAnswering();

        assertThat(option(arguments(third), "-XX:SharedArchiveFile")).contains(archive);
        assertThat(maps(third, archive)).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> String.join("\n", scheduler.tailLog(new InstanceId(third), 20)),
                log -> log.contains("[cds]") && log.contains("web-service listening on"));
    }
}
