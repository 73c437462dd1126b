package dev.apollo.artifacts;

import dev.apollo.core.ApolloException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The few directory operations the store needs, with its error messages. */
final class StoreFiles {
    private StoreFiles() {}

    /** Names of the directories in {@code dir}; none if it does not exist. Stray files are not artifacts. */
    static List<String> childDirectories(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(Files::isDirectory).map(path -> path.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new ApolloException("could not list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** @param what the artifact's coordinates, for the error message */
    static Path createUploadDirectory(Path root, String prefix, String what) {
        try {
            // Inside root so the final rename stays on one file system and can be atomic.
            return Files.createTempDirectory(root, prefix);
        } catch (IOException e) {
            throw new ApolloException("could not store " + what + ": cannot create a directory in " + root
                    + ": " + e.getMessage(), e);
        }
    }

    static void deleteChildrenStartingWith(Path dir, String prefix) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.toList()) {
                if (child.getFileName().toString().startsWith(prefix)) {
                    deleteRecursively(child);
                }
            }
        }
    }

    static void deleteQuietly(Path path) {
        try {
            deleteRecursively(path);
        } catch (IOException | UncheckedIOException ignored) {
            // Best effort: the next open() removes any upload directory left behind.
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path each : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(each);
            }
        }
    }
}
