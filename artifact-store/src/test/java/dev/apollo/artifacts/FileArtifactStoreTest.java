package dev.apollo.artifacts;

import static dev.apollo.testkit.TestJars.jar;
import static dev.apollo.testkit.TestJars.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.core.model.ServiceName;
import dev.apollo.core.model.Version;
import dev.apollo.core.port.ArtifactStore.StoredArtifact;
import dev.apollo.testkit.TestJars;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the file store has: its layout, metadata file, size cap and crash leftovers. The port's rules are in {@link FileArtifactStoreContractTest}. */
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
    void anArtifactLivesInRootUnderItsNameAndVersion() throws IOException {
        byte[] bytes = jar("hello");

        StoredArtifact pushed = push("web-service", "1.6.0", bytes);

        Path jarFile = Paths.get(pushed.location());
        assertThat(jarFile).isEqualTo(root.toAbsolutePath().resolve("web-service/1.6.0/artifact.jar"));
        assertThat(Files.readAllBytes(jarFile)).isEqualTo(bytes);
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
    void unfinishedUploadsAreIgnoredAndRemovedOnOpen() throws IOException {
        StoredArtifact stored = push("web-service", "1.0.0", jar("kept"));
        Path crashed = Files.createDirectory(root.resolve(FileArtifactStore.INCOMING_PREFIX + "123"));
        Files.write(crashed.resolve("artifact.jar"), jar("half"));

        assertThat(store.list()).containsExactly(stored);

        FileArtifactStore reopened = FileArtifactStore.open(root, options());
        assertThat(crashed).doesNotExist();
        assertThat(reopened.list()).containsExactly(stored);
    }

    private List<Path> rootEntries() {
        try (Stream<Path> entries = Files.list(root)) {
            return entries.toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
