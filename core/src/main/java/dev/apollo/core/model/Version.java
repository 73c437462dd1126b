package dev.apollo.core.model;

import dev.apollo.core.ApolloException;
import java.util.regex.Pattern;

/** A version as its publisher wrote it ({@code 1.6.0}, {@code 2.0.0-rc.1}); safe as a directory name. */
public record Version(String value) {
    private static final Pattern SHAPE = Pattern.compile("[0-9A-Za-z][0-9A-Za-z._+-]{0,63}");

    public Version {
        if (value == null || !SHAPE.matcher(value).matches() || value.contains("..")) {
            throw new ApolloException.Invalid("version '" + value + "': expected 1 to 64 characters of"
                    + " [0-9A-Za-z._+-], starting with a letter or digit, without '..' (e.g. 1.6.0).");
        }
    }

    public static Version of(String value) {
        return new Version(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
