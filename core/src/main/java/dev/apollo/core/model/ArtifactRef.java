package dev.apollo.core.model;

import dev.apollo.core.ApolloException;
import java.util.regex.Pattern;

/**
 * What to run: an artifact pushed to Apollo's store ({@code web-service:1.6.0}) or a jar from a
 * Maven repository ({@code com.example:web-service:1.6.0}). Either way the service takes the
 * artifact's name.
 */
public sealed interface ArtifactRef {
    ServiceName name();

    Version version();

    /** The text a person typed to mean this artifact. */
    String coordinates();

    record Stored(ServiceName name, Version version) implements ArtifactRef {
        @Override
        public String coordinates() {
            return name + ":" + version;
        }
    }

    record Maven(String groupId, ServiceName name, Version version) implements ArtifactRef {
        private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

        public Maven {
            if (groupId == null || !GROUP.matcher(groupId).matches()) {
                throw new ApolloException.Invalid("Maven group id '" + groupId
                        + "': expected dot-separated words of [A-Za-z0-9_-] (e.g. com.example).");
            }
        }

        @Override
        public String coordinates() {
            return groupId + ":" + name + ":" + version;
        }
    }

    static ArtifactRef parse(String text) {
        String[] parts = text == null ? new String[0] : text.split(":", -1);
        return switch (parts.length) {
            case 2 -> new Stored(ServiceName.of(parts[0]), Version.of(parts[1]));
            case 3 -> new Maven(parts[0], ServiceName.of(parts[1]), Version.of(parts[2]));
            default -> throw new ApolloException.Invalid("artifact '" + text
                    + "': expected NAME:VERSION (e.g. web-service:1.6.0) or Maven coordinates GROUP:ARTIFACT:VERSION.");
        };
    }
}
