package dev.apollo.core.model;

import dev.apollo.core.ApolloException;
import java.util.regex.Pattern;

/** The one rule for names that become hosts, paths and directory names: DNS-label shaped. */
final class Names {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private Names() {}

    static String requireLabel(String kind, String value) {
        if (value == null || !LABEL.matcher(value).matches()) {
            throw new ApolloException.Invalid(kind + " '" + value + "': expected 1 to 63 characters of"
                    + " [a-z0-9-], starting and ending with a letter or digit (e.g. web-service).");
        }
        return value;
    }
}
