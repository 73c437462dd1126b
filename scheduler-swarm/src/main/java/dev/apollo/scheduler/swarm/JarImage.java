package dev.apollo.scheduler.swarm;

import dev.apollo.core.ApolloException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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

    /** Why {@code artifact} cannot become an image, or nothing when it can. */
    static Optional<String> problem(URI artifact) {
        if (!"file".equalsIgnoreCase(artifact.getScheme())) {
            return Optional.of("artifact " + artifact + " is not a file: URI; a jar is turned into an image"
                    + " from this machine's disk.");
        }
        Path jar = Path.of(artifact);
        if (!Files.isRegularFile(jar)) {
            return Optional.of("artifact file " + jar + " does not exist or is not a regular file.");
        }
        return Optional.empty();
    }

    /** Builds the image of {@code jar} on {@code base} unless the engine has it; returns its reference. */
    static String ensure(Images images, String base, Path jar) {
        String sha256 = sha256(jar);
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

    private static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new ApolloException("Could not read the jar " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
