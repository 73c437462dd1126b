package dev.apollo.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apollo.api.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The control plane's {@code peers.json}: {@code {"peers":["http://HOST:PORT",...]}}, the API addresses of the
 * other control planes sharing its store, leader first, as it last saw them. The gateway turns to them when its
 * own control plane does not answer (killed, its machine gone): any of them names the leader. Absent or unreadable
 * means none known; an address that is not an http(s) URL is skipped.
 */
final class PeersFile {
    private final Path file;

    PeersFile(Path file) {
        this.file = file;
    }

    List<URI> peers() {
        JsonNode peers;
        try {
            peers = Json.mapper().readTree(file.toFile()).path("peers");
        } catch (IOException e) {
            return List.of(); // a lone control plane writes none; one being replaced is read again next time
        }
        List<URI> uris = new ArrayList<>();
        for (JsonNode peer : peers) {
            try {
                URI uri = URI.create(peer.asText());
                if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                    uris.add(uri);
                }
            } catch (IllegalArgumentException e) {
                // Skipped: the others may still answer.
            }
        }
        return List.copyOf(uris);
    }
}
