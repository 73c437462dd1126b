package dev.apollo.scheduler.swarm;

import dev.apollo.core.ApolloException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * An executable jar as an image: {@code FROM} the {@link RuntimeImage}, the jar at
 * {@value #JAR}. Tagged by the jar's sha256 (and the base's tag), so each artifact is built once
 * and the same bytes pushed under another name reuse the image.
 */
final class JarImage {
    static final String REPOSITORY = "apollo/jar";
    static final String JAR = "/app/app.jar";

    private JarImage() {}

    /** Why {@code artifact} (a jar, or an image archive) cannot become an image, or nothing when it can. */
    static Optional<String> problem(URI artifact) {
        if (!"file".equalsIgnoreCase(artifact.getScheme())) {
            return Optional.of("artifact " + artifact + " is not a file: URI; a jar or image archive is turned into"
                    + " an image from this machine's disk.");
        }
        Path jar = Path.of(artifact);
        if (!Files.isRegularFile(jar)) {
            return Optional.of("artifact file " + jar + " does not exist or is not a regular file.");
        }
        return Optional.empty();
    }

    /** Builds the image of {@code jar} on {@code base} unless the engine has it; returns its reference. */
    static String ensure(Images images, String base, Path jar) {
        String sha256 = FileSha256.of(jar);
        String reference = REPOSITORY + ":" + sha256 + "-" + base.substring(base.indexOf(':') + 1);
        if (images.exists(reference)) {
            return reference;
        }
        Path context = null;
        try {
            context = Files.createTempFile("apollo-jar-image", ".tar");
            String dockerfile = "FROM " + base + "\n"
                    + "LABEL dev.apollo.artifact.sha256=" + sha256 + "\n"
                    + "COPY app.jar " + JAR + "\n"
                    + "ENTRYPOINT [\"" + RuntimeImage.JAVA + "\", \"-jar\", \"" + JAR + "\"]\n";
            try (OutputStream out = Files.newOutputStream(context); TarWriter tar = new TarWriter(out)) {
                tar.file("Dockerfile", dockerfile.getBytes(StandardCharsets.UTF_8), 0644);
                tar.file("app.jar", jar);
            }
            images.build(context, reference);
            return reference;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not make an image of " + jar, e);
        } finally {
            if (context != null) {
                context.toFile().delete();
            }
        }
    }
}
