package dev.apollo.store.sqlite;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apollo.core.ApolloException;
import dev.apollo.core.model.Probe;
import java.util.List;

/**
 * A health probe as the JSON text of its column ({@code health_readiness}, {@code health_liveness}):
 * {@code {"type":"http","path":"/ready"}}, {@code {"type":"tcp"}} or
 * {@code {"type":"command","argv":["/usr/bin/check","--x"]}}. Migration V5 writes the first shape
 * with SQL; keep the two in step.
 */
final class ProbeColumn {
    private static final ObjectMapper JSON = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private record Stored(String type, String path, List<String> argv) {}

    private ProbeColumn() {}

    static String write(Probe probe) {
        Stored stored = switch (probe) {
            case Probe.Http http -> new Stored("http", http.path(), null);
            case Probe.Tcp tcp -> new Stored("tcp", null, null);
            case Probe.Command command -> new Stored("command", null, command.argv());
        };
        try {
            return JSON.writeValueAsString(stored);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a health probe as JSON", e);
        }
    }

    static Probe read(String text) {
        try {
            Stored stored = JSON.readValue(text, Stored.class);
            return switch (stored.type() == null ? "" : stored.type()) {
                case "http" -> new Probe.Http(stored.path());
                case "tcp" -> new Probe.Tcp();
                case "command" -> new Probe.Command(stored.argv());
                default -> throw new StoreException("a release's health probe has type '" + stored.type()
                        + "', which this Apollo does not know: " + text);
            };
        } catch (JsonProcessingException | ApolloException.Invalid e) {
            throw new StoreException("a release's health probe is not what this Apollo wrote (" + text + "): " + e.getMessage());
        }
    }
}
