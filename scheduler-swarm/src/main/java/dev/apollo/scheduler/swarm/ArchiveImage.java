package dev.apollo.scheduler.swarm;

import java.nio.file.Path;

/**
 * An image archive ({@code docker save} output) in the engine: loaded once, and tagged by the archive's sha256 so
 * that the next release of the same archive, or a later control plane, finds it without loading it again.
 */
final class ArchiveImage {
    static final String REPOSITORY = "apollo/image";

    private ArchiveImage() {}

    /** Loads {@code archive} unless the engine has its image; returns the reference the tasks run. */
    static String ensure(Images images, Path archive) {
        String tag = FileSha256.of(archive);
        String reference = REPOSITORY + ":" + tag;
        if (!images.exists(reference)) {
            images.tag(images.load(archive), REPOSITORY, tag);
        }
        return reference;
    }
}
