package dev.apollo.store.jdbc;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apollo.core.ApolloException;
import dev.apollo.core.config.RunSettings;
import dev.apollo.core.config.VariableName;
import dev.apollo.core.model.Probe;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A release's {@link RunSettings} and health probes as JSON columns, in one shape for every store
 * (a copy from one to another is a plain copy): values read and written with their row, never
 * queried by their parts. SQLite's migration V5 writes the http probe's shape with SQL; keep the two
 * in step.
 */
public final class JsonColumns {
    private static final ObjectMapper JSON = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private record Settings(Map<String, String> variables, Map<String, String> overrides, List<String> arguments,
            List<String> jvmOptions, Map<String, Integer> secrets) {}

    private record StoredProbe(String type, String path, List<String> argv) {}

    private JsonColumns() {}

    public static String settings(RunSettings settings) {
        return write(new Settings(names(settings.variables()), names(settings.overrides()), settings.arguments(),
                settings.jvmOptions(), names(settings.secrets())));
    }

    public static RunSettings settings(String text) {
        try {
            Settings stored = JSON.readValue(text, Settings.class);
            return new RunSettings(variables(stored.variables()), variables(stored.overrides()), orEmpty(stored.arguments()),
                    orEmpty(stored.jvmOptions()), variables(stored.secrets()));
        } catch (JsonProcessingException e) {
            throw new StoreException("a release's settings column is not what this Apollo wrote: " + e.getOriginalMessage());
        }
    }

    public static String probe(Probe probe) {
        return write(switch (probe) {
            case Probe.Http http -> new StoredProbe("http", http.path(), null);
            case Probe.Tcp tcp -> new StoredProbe("tcp", null, null);
            case Probe.Command command -> new StoredProbe("command", null, command.argv());
        });
    }

    public static Probe probe(String text) {
        try {
            StoredProbe stored = JSON.readValue(text, StoredProbe.class);
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

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a column as JSON", e);
        }
    }

    private static <V> Map<String, V> names(SortedMap<VariableName, V> map) {
        Map<String, V> out = new TreeMap<>();
        map.forEach((name, value) -> out.put(name.value(), value));
        return out;
    }

    private static <V> SortedMap<VariableName, V> variables(Map<String, V> map) {
        SortedMap<VariableName, V> out = new TreeMap<>();
        if (map != null) {
            map.forEach((name, value) -> out.put(VariableName.of(name), value));
        }
        return out;
    }

    private static List<String> orEmpty(List<String> list) {
        return list == null ? List.of() : list;
    }
}
