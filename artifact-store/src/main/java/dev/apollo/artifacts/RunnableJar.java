package dev.apollo.artifacts;

import dev.apollo.core.ApolloException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Checks that a received file is what an artifact claims to be, a jar {@code java -jar} can run:
 * it opens as a zip (its central directory is whole), it has a manifest, and the manifest names a
 * Main-Class. Done before the artifact is stored, so a corrupt or plain library jar is refused at
 * push time, not at deploy time ("Invalid or corrupt jarfile").
 */
final class RunnableJar {
    private RunnableJar() {}

    /** @param what the artifact's coordinates, for error messages */
    static void check(Path file, String what) {
        Manifest manifest;
        try (JarFile jar = new JarFile(file.toFile(), false)) {
            manifest = jar.getManifest();
        } catch (IOException | SecurityException e) {
            throw new ApolloException.Invalid(what + ": expected an executable jar, but the content is not a readable jar ("
                    + e.getMessage() + "): it may be truncated or corrupt. Push the jar your build produced"
                    + " (e.g. target/web-service.jar).");
        }
        if (manifest == null) {
            throw new ApolloException.Invalid(what + ": expected an executable jar, but the jar has no META-INF/MANIFEST.MF."
                    + " Build it with a Main-Class in its manifest (maven-jar-plugin's <mainClass>, Gradle's"
                    + " jar.manifest.attributes, or Spring Boot's repackage).");
        }
        String mainClass = manifest.getMainAttributes().getValue(Attributes.Name.MAIN_CLASS);
        if (mainClass == null || mainClass.isBlank()) {
            throw new ApolloException.Invalid(what + ": expected an executable jar, but its manifest names no Main-Class, so"
                    + " 'java -jar' cannot run it. Build it with a Main-Class (maven-jar-plugin's <mainClass>, Gradle's"
                    + " jar.manifest.attributes, or Spring Boot's repackage).");
        }
    }
}
