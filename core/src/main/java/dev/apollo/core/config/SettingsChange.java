package dev.apollo.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * What changed in what a release runs with, from one release to the next: variables and secrets
 * by name only (a value may be private even when it is not a secret), arguments and JVM options
 * as a whole.
 */
public final class SettingsChange {
    private SettingsChange() {}

    /** One line per change, e.g. "DATABASE_URL changed", "secret DB_PASSWORD v1 -> v2"; empty when none. */
    public static List<String> between(RunSettings before, RunSettings after) {
        List<String> lines = new ArrayList<>();
        compare(before.variables(), after.variables(), "", lines);
        compareSecrets(before.secrets(), after.secrets(), lines);
        if (!before.arguments().equals(after.arguments())) {
            lines.add("arguments " + (after.arguments().isEmpty() ? "removed" : "now " + String.join(" ", after.arguments())));
        }
        if (!before.jvmOptions().equals(after.jvmOptions())) {
            lines.add("JVM options " + (after.jvmOptions().isEmpty() ? "removed" : "now " + String.join(" ", after.jvmOptions())));
        }
        return List.copyOf(lines);
    }

    private static void compare(SortedMap<VariableName, String> before, SortedMap<VariableName, String> after, String kind,
            List<String> lines) {
        TreeSet<VariableName> names = new TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        for (VariableName name : names) {
            if (!before.containsKey(name)) {
                lines.add(kind + name + " added");
            } else if (!after.containsKey(name)) {
                lines.add(kind + name + " removed");
            } else if (!Objects.equals(before.get(name), after.get(name))) {
                lines.add(kind + name + " changed");
            }
        }
    }

    private static void compareSecrets(SortedMap<VariableName, Integer> before, SortedMap<VariableName, Integer> after,
            List<String> lines) {
        TreeSet<VariableName> names = new TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        for (VariableName name : names) {
            if (!before.containsKey(name)) {
                lines.add("secret " + name + " added (v" + after.get(name) + ")");
            } else if (!after.containsKey(name)) {
                lines.add("secret " + name + " removed");
            } else if (!before.get(name).equals(after.get(name))) {
                lines.add("secret " + name + " v" + before.get(name) + " -> v" + after.get(name));
            }
        }
    }
}
