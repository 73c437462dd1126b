package dev.apollo.cli.command;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** {@code KEY=VALUE} words from the command line, as typed; the control plane judges the names and values. */
final class KeyValues {
    private KeyValues() {}

    static Map<String, String> parse(CommandSpec spec, String option, List<String> words) {
        Map<String, String> parsed = new LinkedHashMap<>();
        for (String word : words) {
            int equals = word.indexOf('=');
            if (equals <= 0) {
                throw new ParameterException(spec.commandLine(), option + " takes KEY=VALUE, not '" + word + "'"
                        + (option.equals("--env") ? "; the environment to deploy to is -e/--environment " + word : "")
                        + " (e.g. " + option + " DATABASE_URL=jdbc:postgresql://db/shop).");
            }
            String key = word.substring(0, equals);
            if (parsed.containsKey(key)) {
                throw new ParameterException(spec.commandLine(), key + " is given twice; give each variable once.");
            }
            parsed.put(key, word.substring(equals + 1));
        }
        return parsed;
    }
}
