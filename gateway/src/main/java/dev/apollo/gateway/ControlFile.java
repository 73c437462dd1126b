package dev.apollo.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apollo.api.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/** The control plane's {@code server.json}: where it answers right now. Absent or unreadable means unknown. */
final class ControlFile {
    private final Path file;

    ControlFile(Path file) {
        this.file = file;
    }

    Optional<URI> url() {
        try {
            JsonNode url = Json.mapper().readTree(file.toFile()).path("url");
            return url.isTextual() ? Optional.of(URI.create(url.asText())) : Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty(); // not written yet, or being replaced: the next attempt reads it again
        }
    }
}
