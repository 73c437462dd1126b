package dev.apollo.gateway;

import dev.apollo.api.Json;
import dev.apollo.api.RouteTableView;
import dev.apollo.routing.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** The last applied table on disk, so a gateway restarted while the control plane is down still routes. */
final class RoutesCache {
    private final Path file;

    RoutesCache(Path file) {
        this.file = file;
    }

    void save(RouteTableView table) throws IOException {
        AtomicFiles.write(file, Json.mapper().writeValueAsBytes(table));
    }

    /** The cached table; empty when there is none or it cannot be read (then the control plane will send one). */
    Optional<RouteTableView> load() {
        try {
            return Optional.of(Json.mapper().readValue(Files.readAllBytes(file), RouteTableView.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            System.err.println("apollo-gateway: ignoring unreadable routes cache " + file + ": " + e.getMessage());
            return Optional.empty();
        }
    }
}
