package dev.apollo.core.config;

import dev.apollo.core.ApolloException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The name of an environment variable a service is configured with. The platform's own variables
 * are reserved: a service cannot be told a different {@code PORT} than the one it was given.
 */
public record VariableName(String value) implements Comparable<VariableName> {
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    /** Given by the platform to every instance; {@code APOLLO_*} are too. */
    public static final Set<String> RESERVED = Set.of("PORT", "RPC_INT");

    public VariableName {
        if (value == null || !SHAPE.matcher(value).matches()) {
            throw new ApolloException.Invalid("variable name '" + value + "': expected a letter or _ followed by up to"
                    + " 127 letters, digits or _ (e.g. DATABASE_URL).");
        }
        if (RESERVED.contains(value) || value.startsWith("APOLLO_")) {
            throw new ApolloException.Invalid("variable name '" + value + "' is reserved: the platform gives every instance"
                    + " PORT, RPC_INT and APOLLO_*; refer to them in a value instead, e.g. SERVER_PORT='${PORT}'.");
        }
    }

    public static VariableName of(String value) {
        return new VariableName(value);
    }

    @Override
    public int compareTo(VariableName other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
