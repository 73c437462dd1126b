package dev.apollo.core.model;

import dev.apollo.core.ApolloException;
import java.util.regex.Pattern;

/**
 * A web path prefix such as {@code /a-path} or {@code /shop/cart}. It matches itself and what lies
 * below it ({@code /a-path/x}), never a longer word ({@code /a-pathology}). {@code /} matches all.
 */
public record RoutePath(String value) implements Comparable<RoutePath> {
    private static final Pattern SHAPE = Pattern.compile("/|(/[A-Za-z0-9._~-]+)+");

    public RoutePath {
        if (value == null || value.length() > 200 || !SHAPE.matcher(value).matches() || value.contains("/../")
                || value.endsWith("/..") || value.contains("/./") || value.endsWith("/.")) {
            throw new ApolloException.Invalid("route path '" + value + "': expected '/' or '/'-separated segments of"
                    + " [A-Za-z0-9._~-], without a trailing '/', '.' or '..' (e.g. /a-path or /shop/cart).");
        }
    }

    public static RoutePath of(String value) {
        return new RoutePath(value);
    }

    /** True when a request for {@code path} falls under this prefix. */
    public boolean matches(String path) {
        if (value.equals("/")) {
            return true;
        }
        return path.startsWith(value) && (path.length() == value.length() || path.charAt(value.length()) == '/');
    }

    /** Longer (more specific) prefixes first, so the first match is the longest. */
    @Override
    public int compareTo(RoutePath other) {
        int byLength = Integer.compare(other.value.length(), value.length());
        return byLength != 0 ? byLength : value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
