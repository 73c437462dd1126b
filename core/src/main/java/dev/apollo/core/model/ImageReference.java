package dev.apollo.core.model;

import dev.apollo.core.ApolloException;
import java.util.regex.Pattern;

/**
 * A container image as an engine names it: {@code [registry[:port]/]path[:tag][@sha256:digest]}, as in
 * {@code acme/orders:1.4}, {@code registry.example:5000/team/orders:1.4} or {@code orders@sha256:...}. Checked
 * against the reference grammar of the distribution spec, so that what reaches the engine is a name and nothing
 * else (no spaces, no options, no path tricks).
 */
public record ImageReference(String value) {
    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final String LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?";
    private static final String PORT = ":[0-9]{1,5}";
    /** As the engine tells a registry from a first path part: it has a dot or a port, or is localhost. */
    private static final String REGISTRY = "(?:(?:localhost|" + LABEL + "(?:\\." + LABEL + ")+)(?:" + PORT + ")?/|"
            + LABEL + PORT + "/)?";
    private static final Pattern SHAPE = Pattern.compile(REGISTRY + COMPONENT + "(?:/" + COMPONENT + ")*"
            + "(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[0-9a-f]{64})?");
    private static final int MAX_LENGTH = 255;

    public ImageReference {
        if (value == null || value.length() > MAX_LENGTH || !SHAPE.matcher(value).matches()) {
            throw new ApolloException.Invalid("image '" + (value == null || value.length() <= 80 ? value
                    : value.substring(0, 80) + "...") + "': expected an image reference such as acme/orders:1.4"
                    + " (lower-case name parts, an optional registry, tag and @sha256: digest; at most " + MAX_LENGTH
                    + " characters).");
        }
    }

    public static ImageReference of(String value) {
        return new ImageReference(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
