package dev.apollo.artifacts;

import static dev.apollo.testkit.TestJars.jar;
import static dev.apollo.testkit.TestJars.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.core.ApolloException;
import dev.apollo.core.model.ArtifactRef;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.model.Version;
import dev.apollo.core.port.ArtifactStore.StoredArtifact;
import dev.apollo.testkit.TestJars;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileArtifactStoreTest {
    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
    private static final ServiceName WEB = ServiceName.of("web-service");

    @TempDir
    Path root;

    @TempDir
    Path emptyMavenRepo;

    private FileArtifactStore store;

    @BeforeEach
    void open() {
        store = FileArtifactStore.open(root, options());
    }

    private FileArtifactStore.Options options() {
        return FileArtifactStore.Options.defaults()
                .withLocalRepository(emptyMavenRepo)
                .withClock(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private StoredArtifact push(String name, String version, byte[] bytes) {
        return store.push(ServiceName.of(name), Version.of(version), new ByteArrayInputStream(bytes));
    }

    @Test
    void pushedArtifactIsListedAndResolvable() throws IOException {
        byte[] bytes = jar("hello");

        StoredArtifact pushed = push("web-service", "1.6.0", bytes);

        assertThat(pushed.name()).isEqualTo(WEB);
        assertThat(pushed.version()).isEqualTo(Version.of("1.6.0"));
        assertThat(pushed.size()).isEqualTo(bytes.length);
        assertThat(pushed.storedAt()).isEqualTo(NOW);
        Path jarFile = Paths.get(pushed.location());
        assertThat(jarFile).isEqualTo(root.toAbsolutePath().resolve("web-service/1.6.0/artifact.jar"));
        assertThat(Files.readAllBytes(jarFile)).isEqualTo(bytes);

        assertThat(store.list()).containsExactly(pushed);
        assertThat(store.resolve(ArtifactRef.parse("web-service:1.6.0"))).isEqualTo(pushed);
    }

    @Test
    void sha256IsTheDigestOfTheBytes() {
        byte[] bytes = jar("digest me");

        StoredArtifact pushed = push("web-service", "1.0.0", bytes);

        assertThat(pushed.sha256()).isEqualTo(sha256(bytes)).hasSize(64);
    }

    @Test
    void metadataFileRecordsWhatWasStored() throws IOException {
        byte[] bytes = jar("meta");
        push("web-service", "1.0.0", bytes);

        Properties properties = new Properties();
        try (var in = Files.newInputStream(root.resolve("web-service/1.0.0/artifact.properties"))) {
            properties.load(in);
        }
        assertThat(properties.getProperty("sha256")).isEqualTo(sha256(bytes));
        assertThat(properties.getProperty("size")).isEqualTo(Integer.toString(bytes.length));
        assertThat(properties.getProperty("storedAt")).isEqualTo(NOW.toString());
        assertThat(properties.getProperty("source")).isEqualTo("web-service:1.0.0");
    }

    @Test
    void pushingTheSameBytesAgainReturnsTheStoredArtifact() {
        byte[] bytes = jar("same");
        StoredArtifact first = push("web-service", "1.0.0", bytes);

        FileArtifactStore later = FileArtifactStore.open(root, options().withClock(Clock.fixed(NOW.plusSeconds(60), ZoneOffset.UTC)));
        StoredArtifact second = later.push(WEB, Version.of("1.0.0"), new ByteArrayInputStream(bytes));

        assertThat(second).isEqualTo(first);
        assertThat(later.list()).containsExactly(first);
    }

    @Test
    void differentBytesUnderAnExistingVersionAreRefusedAndTheFirstStays() throws IOException {
        byte[] original = jar("original");
        byte[] other = jar("other");
        StoredArtifact first = push("web-service", "1.0.0", original);

        assertThatThrownBy(() -> push("web-service", "1.0.0", other))
                .isInstanceOf(ApolloException.Conflict.class)
                .hasMessageContaining("web-service:1.0.0")
                .hasMessageContaining(sha256(original).substring(0, 12))
                .hasMessageContaining(sha256(other).substring(0, 12))
                .hasMessageContaining("new version");

        assertThat(store.list()).containsExactly(first);
        assertThat(Files.readAllBytes(Paths.get(first.location()))).isEqualTo(original);
        assertThat(leftoverUploads()).isEmpty();
    }

    @Test
    void contentThatIsNotAJarIsRejectedAndNothingIsStored() {
        byte[] html = "<!DOCTYPE html><p>not found</p>".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> push("web-service", "1.0.0", html))
                .isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("web-service:1.0.0")
                .hasMessageContaining("expected an executable jar");

        assertThat(store.list()).isEmpty();
        assertThat(rootEntries()).isEmpty();
    }

    @Test
    void emptyContentIsRejected() {
        assertThatThrownBy(() -> push("web-service", "1.0.0", new byte[0]))
                .isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("expected an executable jar")
                .hasMessageContaining("is empty");
        assertThat(rootEntries()).isEmpty();
    }

    @Test
    void oversizeArtifactIsRejectedWithoutLeavingAnythingBehind() {
        byte[] payload = new byte[64 * 1024];
        new Random(42).nextBytes(payload);
        byte[] big = TestJars.storedJar(payload);
        FileArtifactStore small = FileArtifactStore.open(root, options().withMaxArtifactBytes(16 * 1024));

        assertThatThrownBy(() -> small.push(WEB, Version.of("1.0.0"), new ByteArrayInputStream(big)))
                .isInstanceOf(ArtifactTooLargeException.class)
                .hasMessageContaining("web-service:1.0.0")
                .hasMessageContaining("16384 bytes")
                .hasMessageContaining("nothing was stored");

        assertThat(small.list()).isEmpty();
        assertThat(rootEntries()).isEmpty();
    }

    @Test
    void artifactExactlyAtTheLimitIsAccepted() {
        byte[] bytes = jar("limit");
        FileArtifactStore exact = FileArtifactStore.open(root, options().withMaxArtifactBytes(bytes.length));

        assertThat(exact.push(WEB, Version.of("1.0.0"), new ByteArrayInputStream(bytes)).size()).isEqualTo(bytes.length);
    }

    @Test
    void listIsSortedByNameThenVersionNumerically() {
        push("web-service", "1.10.0", jar("a"));
        push("web-service", "1.9.0", jar("b"));
        push("api", "2.0.0", jar("c"));
        push("web-service", "1.9.0-rc.1", jar("d"));
        push("web-service", "0.1", jar("e"));

        assertThat(store.list()).extracting(artifact -> artifact.name() + ":" + artifact.version())
                .containsExactly("api:2.0.0", "web-service:0.1", "web-service:1.9.0", "web-service:1.9.0-rc.1", "web-service:1.10.0");
    }

    @Test
    void unknownVersionIsNotFoundAndTheMessageListsStoredVersions() {
        push("web-service", "1.10.0", jar("a"));
        push("web-service", "1.9.0", jar("b"));

        assertThatThrownBy(() -> store.resolve(ArtifactRef.parse("web-service:9.9.9")))
                .isInstanceOf(ApolloException.NotFound.class)
                .hasMessageContaining("artifact web-service:9.9.9 is not in the artifact store;"
                        + " push it with: apollo artifact push FILE.jar --name web-service --version 9.9.9")
                .hasMessageContaining("stored versions of web-service: 1.9.0, 1.10.0");
    }

    @Test
    void unknownNameIsNotFoundWithoutAVersionList() {
        assertThatThrownBy(() -> store.resolve(ArtifactRef.parse("nothing:1.0.0")))
                .isInstanceOf(ApolloException.NotFound.class)
                .hasMessageEndingWith("--name nothing --version 1.0.0");
    }

    @Test
    void unfinishedUploadsAreIgnoredAndRemovedOnOpen() throws IOException {
        StoredArtifact stored = push("web-service", "1.0.0", jar("kept"));
        Path crashed = Files.createDirectory(root.resolve(FileArtifactStore.INCOMING_PREFIX + "123"));
        Files.write(crashed.resolve("artifact.jar"), jar("half"));

        assertThat(store.list()).containsExactly(stored);

        FileArtifactStore reopened = FileArtifactStore.open(root, options());
        assertThat(crashed).doesNotExist();
        assertThat(reopened.list()).containsExactly(stored);
    }

    @Test
    void concurrentPushesOfTheSameBytesAllSucceedWithOneArtifact() throws Exception {
        byte[] bytes = jar("race");

        List<StoredArtifact> results = concurrently(8, i -> push("web-service", "1.0.0", bytes));

        assertThat(results).hasSize(8).allSatisfy(result -> assertThat(result).isEqualTo(results.get(0)));
        assertThat(store.list()).containsExactly(results.get(0));
        assertThat(leftoverUploads()).isEmpty();
    }

    @Test
    void concurrentPushesOfDifferentBytesLeaveExactlyOneWinner() throws Exception {
        int contenders = 8;
        List<Object> outcomes = concurrently(contenders, i -> {
            try {
                return push("web-service", "1.0.0", jar("contender " + i));
            } catch (ApolloException.Conflict refused) {
                return refused;
            }
        });

        List<StoredArtifact> winners = outcomes.stream()
                .filter(StoredArtifact.class::isInstance).map(StoredArtifact.class::cast).toList();
        assertThat(winners).hasSize(1);
        assertThat(outcomes).filteredOn(ApolloException.Conflict.class::isInstance).hasSize(contenders - 1);
        assertThat(store.list()).containsExactly(winners.get(0));
        assertThat(sha256(Files.readAllBytes(Paths.get(winners.get(0).location())))).isEqualTo(winners.get(0).sha256());
        assertThat(leftoverUploads()).isEmpty();
    }

    private interface Contender<T> {
        T run(int index) throws Exception;
    }

    /** Starts all contenders at once so that they really overlap. */
    private static <T> List<T> concurrently(int count, Contender<T> contender) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                Callable<T> task = () -> {
                    start.await();
                    return contender.run(index);
                };
                futures.add(pool.submit(task));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                try {
                    results.add(future.get());
                } catch (ExecutionException e) {
                    throw new AssertionError("a contender failed", e.getCause());
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private List<Path> rootEntries() {
        try (Stream<Path> entries = Files.list(root)) {
            return entries.toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private List<Path> leftoverUploads() {
        return rootEntries().stream()
                .filter(path -> path.getFileName().toString().startsWith(FileArtifactStore.INCOMING_PREFIX))
                .toList();
    }
}
