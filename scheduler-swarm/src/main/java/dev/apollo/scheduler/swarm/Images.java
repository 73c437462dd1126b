package dev.apollo.scheduler.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.transport.DockerHttpClient.Response;
import dev.apollo.core.ApolloException;
import dev.apollo.core.port.ArtifactStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Images in the engine, made without any registry: a root file system imported from a tar
 * ({@code docker import}), an image built from a tar'ed context ({@code docker build}), and an image
 * archive loaded as {@code docker save} wrote it ({@code docker load}).
 */
final class Images {
    private static final String LOADED_IMAGE = "Loaded image:";
    private static final String LOADED_ID = "Loaded image ID:";
    private final Engine engine;

    Images(Engine engine) {
        this.engine = engine;
    }

    boolean exists(String reference) {
        try {
            engine.get("/images/" + reference + "/json");
            return true;
        } catch (ApolloException.NotFound e) {
            return false;
        }
    }

    /** What the engine says of {@code reference}; not-found when it has no such image. */
    ArtifactStore.ImageFacts inspect(String reference) {
        JsonNode image;
        try {
            image = engine.get("/images/" + reference + "/json");
        } catch (ApolloException.NotFound e) {
            throw new ApolloException.NotFound("the Docker engine has no image " + reference + "; load it first"
                    + " (docker load -i FILE.tar, or docker build) or push its archive: apollo artifact push FILE.tar"
                    + " --name NAME --version V.");
        }
        String id = image.path("Id").asText();
        return new ArtifactStore.ImageFacts(id.startsWith("sha256:") ? id.substring("sha256:".length()) : id,
                image.path("Size").asLong());
    }

    /** {@code docker load}: returns the reference (or, for an untagged image, the id) the engine loaded. */
    String load(Path archive) {
        try (InputStream body = Files.newInputStream(archive)) {
            return load(body, archive.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + archive, e);
        }
    }

    /** {@code docker load} of an archive read from {@code body}, named {@code what} in errors. */
    String load(InputStream body, String what) throws IOException {
        List<String> said = follow(engine.send("POST", "/images/load?quiet=1", body,
                Map.of("Content-Type", "application/x-tar")), "from " + what);
        return said.stream().map(String::strip)
                .filter(line -> line.startsWith(LOADED_IMAGE) || line.startsWith(LOADED_ID))
                .map(line -> line.substring(line.startsWith(LOADED_IMAGE) ? LOADED_IMAGE.length() : LOADED_ID.length()).strip())
                .reduce((first, second) -> second)
                .orElseThrow(() -> new ApolloException("The Docker engine loaded no image from " + what
                        + " (it said: " + String.join(" ", said).strip() + ")."));
    }

    /** {@code docker tag source repository:tag}. */
    void tag(String source, String repository, String tag) {
        engine.post("/images/" + source + "/tag?repo=" + encode(repository) + "&tag=" + encode(tag), null);
    }

    /** {@code docker import}: the tar is the image's whole file system. */
    void importRoot(Path rootTar, String repository, String tag) {
        String path = "/images/create?fromSrc=-&repo=" + encode(repository) + "&tag=" + encode(tag);
        try (InputStream body = Files.newInputStream(rootTar)) {
            follow(engine.send("POST", path, body, Map.of("Content-Type", "application/x-tar")), repository + ":" + tag);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + rootTar, e);
        }
    }

    /** {@code docker build -t reference -}: the tar holds the Dockerfile and what it copies. */
    void build(Path contextTar, String reference) {
        String path = "/build?t=" + encode(reference) + "&q=1&rm=1&forcerm=1";
        try (InputStream body = Files.newInputStream(contextTar)) {
            follow(engine.send("POST", path, body, Map.of("Content-Type", "application/x-tar")), reference);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + contextTar, e);
        }
    }

    /**
     * Reads the engine's progress stream to its end and returns what it said; an error arrives in it, not as an
     * HTTP status.
     */
    private static List<String> follow(Response response, String image) throws IOException {
        List<String> said = new ArrayList<>();
        try (response; BufferedReader lines = new BufferedReader(
                new InputStreamReader(response.getBody(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode message = Engine.json().readTree(line);
                if (message.has("error")) {
                    throw new ApolloException("The Docker engine could not make image " + image + ": "
                            + message.path("error").asText());
                }
                if (message.has("stream")) {
                    said.add(message.path("stream").asText());
                }
            }
        }
        return said;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
