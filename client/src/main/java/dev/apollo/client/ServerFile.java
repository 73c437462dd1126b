package dev.apollo.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apollo.api.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a running control plane writes to {@code <home>/server.json}: where it listens and its pid.
 * The file outlives a crashed server, so a reader must check that the pid is still alive.
 */
public record ServerFile(URI url, long pid) {
    public static final String NAME = "server.json";

    public static Path path(Path home) {
        return home.resolve(NAME);
    }

    /** The file's content, or empty when it is missing or unreadable (a half-written file counts as missing). */
    public static Optional<ServerFile> read(Path home) {
        Path file = path(home);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode node = Json.mapper().readTree(file.toFile());
            JsonNode url = node.get("url");
            JsonNode pid = node.get("pid");
            if (url == null || !url.isTextual() || pid == null || !pid.canConvertToLong()) {
                return Optional.empty();
            }
            return Optional.of(new ServerFile(URI.create(url.asText()), pid.asLong()));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public boolean processAlive() {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
