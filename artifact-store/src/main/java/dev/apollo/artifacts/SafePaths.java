package dev.apollo.artifacts;

import dev.apollo.core.ApolloException;
import java.nio.file.Path;

/**
 * Builds paths from user-supplied segments. Names and versions are validated long before they get
 * here; this is the second line of defence, so that no input can ever address a file outside the
 * directory it belongs in.
 */
final class SafePaths {
    private SafePaths() {}

    /** {@code base/segments...}, refused unless it lies strictly below {@code base}. */
    static Path below(Path base, String... segments) {
        Path normalBase = base.toAbsolutePath().normalize();
        Path path = normalBase;
        for (String segment : segments) {
            path = path.resolve(segment);
        }
        path = path.normalize();
        if (!path.startsWith(normalBase) || path.equals(normalBase)) {
            throw new ApolloException.Invalid("path '" + String.join("/", segments) + "' would leave "
                    + normalBase + "; names and versions may not contain path separators or '..'.");
        }
        return path;
    }
}
