package dev.apollo.store.sqlite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.apollo.core.config.RunSettings;
import dev.apollo.core.config.VariableName;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A release's {@link RunSettings} as the JSON text of its {@code settings} column: one value read
 * and written with its row, never queried by its parts.
 */
final class SettingsColumn {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The column's shape; every field present, so the text of equal settings is equal. */
    private record Stored(Map<String, String> variables, Map<String, String> overrides, List<String> arguments, List<String> jvmOptions,
            Map<String, Integer> secrets) {}

    private SettingsColumn() {}

    static String write(RunSettings settings) {
        try {
            return JSON.writeValueAsString(new Stored(names(settings.variables()), names(settings.overrides()), settings.arguments(),
                    settings.jvmOptions(), names(settings.secrets())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write release settings as JSON", e);
        }
    }

    static RunSettings read(String text) {
        try {
            Stored stored = JSON.readValue(text, Stored.class);
            return new RunSettings(variables(stored.variables()), variables(stored.overrides()), orEmpty(stored.arguments()), orEmpty(stored.jvmOptions()),
                    variables(stored.secrets()));
        } catch (JsonProcessingException e) {
            throw new StoreException("a release's settings column is not what this Apollo wrote: " + e.getOriginalMessage());
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
