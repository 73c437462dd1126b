package dev.apollo.core.config;

import dev.apollo.core.ApolloException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a release runs with besides its artifact: its variables (stored configuration overlaid by
 * the deploy's own), the arguments after the jar, the JVM's options, and which version of each
 * secret it was given (by name only: values never leave the secret store). A release records these
 * exactly, so a change of any of them is a new release, blue/green.
 *
 * @param variables every variable the release's instances get, placeholders unexpanded
 * @param overrides those of {@code variables} the deploy itself set ({@code --env}), which win over
 *     the stored configuration and are carried over when the release is restarted on new configuration
 */
public record RunSettings(
        SortedMap<VariableName, String> variables,
        SortedMap<VariableName, String> overrides,
        List<String> arguments,
        List<String> jvmOptions,
        SortedMap<VariableName, Integer> secrets) {

    public static final RunSettings NONE = new RunSettings(new TreeMap<>(), new TreeMap<>(), List.of(), List.of(), new TreeMap<>());
    private static final int MAX_VALUE_CHARS = 32 * 1024;
    private static final int MAX_ITEMS = 256;

    public RunSettings {
        variables = unmodifiable(Objects.requireNonNull(variables, "variables"));
        overrides = unmodifiable(Objects.requireNonNull(overrides, "overrides"));
        arguments = List.copyOf(arguments);
        jvmOptions = List.copyOf(jvmOptions);
        secrets = unmodifiable(Objects.requireNonNull(secrets, "secrets"));
        if (variables.size() + secrets.size() > MAX_ITEMS || arguments.size() > MAX_ITEMS || jvmOptions.size() > MAX_ITEMS) {
            throw new ApolloException.Invalid("at most " + MAX_ITEMS + " variables, arguments and JVM options each.");
        }
        variables.forEach((name, value) -> requireValue("value of " + name, value));
        arguments.forEach(argument -> requireValue("argument", argument));
        for (String option : jvmOptions) {
            requireValue("JVM option", option);
            if (!option.startsWith("-")) {
                throw new ApolloException.Invalid("JVM option '" + option + "': expected an option starting with - (e.g."
                        + " -XX:+UseZGC); arguments for the service itself go with --arg.");
            }
        }
        for (Map.Entry<VariableName, String> override : overrides.entrySet()) {
            if (!override.getValue().equals(variables.get(override.getKey()))) {
                throw new IllegalArgumentException("override " + override.getKey() + " is not among the variables");
            }
        }
        for (VariableName name : secrets.keySet()) {
            if (variables.containsKey(name)) {
                throw new ApolloException.Invalid(name + " is both a variable and a secret; remove one of them"
                        + " (apollo config unset, or apollo secret remove).");
            }
        }
    }

    /**
     * The settings of a new release: the stored configuration overlaid by the deploy's own variables,
     * with the service's current secret versions.
     */
    public static RunSettings of(Map<VariableName, String> configuration, Map<VariableName, String> overrides,
            List<String> arguments, List<String> jvmOptions, Map<VariableName, Integer> secrets) {
        TreeMap<VariableName, String> variables = new TreeMap<>(configuration);
        variables.putAll(overrides);
        // A deploy's variable wins over a secret of the same name: the secret stays stored, unused.
        TreeMap<VariableName, Integer> given = new TreeMap<>(secrets);
        given.keySet().removeAll(overrides.keySet());
        variables.keySet().removeAll(given.keySet());
        return new RunSettings(variables, new TreeMap<>(overrides), arguments, jvmOptions, given);
    }

    private static void requireValue(String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.length() > MAX_VALUE_CHARS || value.indexOf('\0') >= 0) {
            throw new ApolloException.Invalid(what + ": expected at most " + MAX_VALUE_CHARS + " characters and no NUL.");
        }
        Placeholders.check(what, value);
    }

    private static <V> SortedMap<VariableName, V> unmodifiable(Map<VariableName, V> map) {
        return java.util.Collections.unmodifiableSortedMap(new TreeMap<>(map));
    }
}
