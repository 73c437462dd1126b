package dev.apollo.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.core.port.ArtifactStore;
import dev.apollo.testkit.ArtifactStoreContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;

/** The ArtifactStore port's contract on a real directory; what only files have is in {@link FileArtifactStoreTest}. */
class FileArtifactStoreContractTest extends ArtifactStoreContract {
    @TempDir
    Path root;

    @TempDir
    Path emptyMavenRepo;

    @Override
    protected ArtifactStore newStore(Clock clock) {
        return FileArtifactStore.open(root, options(clock));
    }

    @Override
    protected ArtifactStore reopen(ArtifactStore store, Clock clock) {
        return FileArtifactStore.open(root, options(clock));
    }

    /** No upload directory stays, and no directory that a refused artifact would have lived in. */
    @Override
    protected void assertNothingLeftBehind() {
        try (Stream<Path> below = Files.walk(root)) {
            assertThat(below.filter(path -> !path.equals(root)))
                    .noneMatch(path -> path.getFileName().toString().startsWith(FileArtifactStore.INCOMING_PREFIX))
                    .noneMatch(FileArtifactStoreContractTest::isEmptyDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private FileArtifactStore.Options options(Clock clock) {
        return FileArtifactStore.Options.defaults().withLocalRepository(emptyMavenRepo).withClock(clock);
    }

    private static boolean isEmptyDirectory(Path path) {
        try (Stream<Path> children = Files.list(path)) {
            return children.findAny().isEmpty();
        } catch (IOException notADirectory) {
            return false;
        }
    }
}
