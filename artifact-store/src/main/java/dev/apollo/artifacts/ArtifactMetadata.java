package dev.apollo.artifacts;

import dev.apollo.core.ApolloException;
import dev.apollo.core.model.ImageReference;
import dev.apollo.core.port.ArtifactKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Properties;

/**
 * What the store knows about one artifact, kept next to it as {@code artifact.properties}.
 *
 * @param source the coordinates it was stored as: {@code web-service:1.6.0} when pushed,
 *     {@code com.example:web-service:1.6.0} when fetched from Maven
 * @param origin where the bytes came from (a file, a URL, or {@code push}), for people reading errors
 * @param kind what it is; files written before images were artifacts say nothing, and hold jars
 * @param image the engine's reference of an image recorded without its bytes; empty when the store holds the file
 */
record ArtifactMetadata(String sha256, long size, Instant storedAt, String source, String origin, ArtifactKind kind,
        Optional<ImageReference> image) {

    static ArtifactMetadata read(Path file) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new ApolloException("could not read artifact metadata " + file + ": " + e.getMessage(), e);
        }
        try {
            return new ArtifactMetadata(
                    required(properties, "sha256", file),
                    Long.parseLong(required(properties, "size", file)),
                    Instant.parse(required(properties, "storedAt", file)),
                    required(properties, "source", file),
                    properties.getProperty("origin", "unknown"),
                    ArtifactKind.valueOf(properties.getProperty("kind", ArtifactKind.JAR.name())),
                    Optional.ofNullable(properties.getProperty("image")).map(ImageReference::of));
        } catch (IllegalArgumentException | DateTimeParseException | ApolloException.Invalid e) {
            // a number, time or kind that is not one, or an image reference that is not one
            throw corrupt(file, e.getMessage());
        }
    }

    /** Writes and syncs the file, so that once its directory is renamed into place it is complete on disk. */
    void write(Path file) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("sha256", sha256);
        properties.setProperty("size", Long.toString(size));
        properties.setProperty("storedAt", storedAt.toString());
        properties.setProperty("source", source);
        properties.setProperty("origin", origin);
        properties.setProperty("kind", kind.name());
        image.ifPresent(reference -> properties.setProperty("image", reference.value()));
        try (FileChannel channel = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")))) {
            OutputStream out = Channels.newOutputStream(channel);
            properties.store(out, "Apollo artifact metadata");
            out.flush();
            channel.force(true);
        }
    }

    private static String required(Properties properties, String key, Path file) {
        String value = properties.getProperty(key);
        if (value == null || value.isBlank()) {
            throw corrupt(file, "'" + key + "' is missing");
        }
        return value;
    }

    private static ApolloException corrupt(Path file, String detail) {
        return new ApolloException("artifact metadata " + file + " is corrupt (" + detail
                + "); it was probably edited by hand. Delete that artifact's directory and push it again.");
    }
}
