package dev.apollo.artifacts;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apollo.core.ApolloException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Checks that a tar is what {@code docker save} writes for one image: a {@code manifest.json} naming exactly one
 * image, with its config and layers, all of them in the tar. A tar of anything else would be stored and then fail
 * at deploy, on the engine, far from the push that caused it.
 */
final class ImageArchive {
    private static final String MANIFEST = "manifest.json";
    /** A manifest is a few KB; a larger one is not docker's. */
    private static final long MAX_MANIFEST_BYTES = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ImageArchive() {}

    /** @param what the artifact's coordinates, for error messages */
    static void check(Path tar, String what) throws IOException {
        JsonNode manifest = null;
        Set<String> names = new HashSet<>();
        try (InputStream file = Files.newInputStream(tar); TarArchiveInputStream entries = new TarArchiveInputStream(file)) {
            for (TarArchiveEntry entry = entries.getNextEntry(); entry != null; entry = entries.getNextEntry()) {
                String name = normalize(entry.getName());
                names.add(name);
                if (name.equals(MANIFEST)) {
                    if (entry.getSize() > MAX_MANIFEST_BYTES) {
                        throw refused(what, "its manifest.json is " + entry.getSize() + " bytes, not docker's");
                    }
                    manifest = JSON.readTree(entries.readAllBytes());
                }
            }
        } catch (JacksonException e) {
            throw refused(what, "its manifest.json is not JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw refused(what, "it is not a readable tar (" + e.getMessage() + ")");
        }
        if (manifest == null) {
            throw refused(what, "it has no manifest.json");
        }
        if (!manifest.isArray() || manifest.size() != 1) {
            throw refused(what, "its manifest.json names " + (manifest.isArray() ? manifest.size() : "no list of")
                    + " images; save exactly one image per artifact");
        }
        JsonNode image = manifest.get(0);
        if (!image.path("Config").isTextual() || !image.path("Layers").isArray()) {
            throw refused(what, "its manifest.json has no Config and Layers");
        }
        List<String> wanted = new ArrayList<>(List.of(image.path("Config").asText()));
        image.path("Layers").forEach(layer -> wanted.add(layer.asText()));
        for (String part : wanted) {
            if (!names.contains(normalize(part))) {
                throw refused(what, "its manifest.json names " + part + ", which the tar does not hold");
            }
        }
    }

    private static String normalize(String name) {
        return name.startsWith("./") ? name.substring(2) : name;
    }

    private static ApolloException.Invalid refused(String what, String why) {
        return new ApolloException.Invalid(what + ": a tar is taken as a container image archive, but " + why
                + ". Push the output of docker save IMAGE -o FILE.tar (one image).");
    }
}
