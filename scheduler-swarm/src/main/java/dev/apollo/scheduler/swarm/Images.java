package dev.apollo.scheduler.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.transport.DockerHttpClient.Response;
import dev.apollo.core.ApolloException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Images in the engine, made without any registry: a root file system imported from a tar
 * ({@code docker import}) and an image built from a tar'ed context ({@code docker build}).
 */
final class Images {
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

    /** Reads the engine's progress stream to its end: an error arrives in it, not as an HTTP status. */
    private static void follow(Response response, String image) throws IOException {
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
            }
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
