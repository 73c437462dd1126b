package dev.apollo.core.port;

import java.util.Collection;
import java.util.stream.Collectors;

/**
 * What an artifact is, and so which schedulers can run it: each scheduler declares the kinds it
 * runs ({@link Scheduler#runs()}), and a deploy of another kind is refused before anything starts.
 */
public enum ArtifactKind {
    /** An executable jar ({@code java -jar}), located by a {@code file:} URI. */
    JAR("an executable jar"),
    /** A container image, located by its reference in the engine. */
    IMAGE("a container image");

    private final String description;

    ArtifactKind(String description) {
        this.description = description;
    }

    /** In words, for messages: "an executable jar". */
    public String description() {
        return description;
    }

    /** Several kinds in words, for messages: "a container image and an executable jar". */
    public static String describe(Collection<ArtifactKind> kinds) {
        return kinds.stream().map(ArtifactKind::description).sorted().collect(Collectors.joining(" and "));
    }
}
