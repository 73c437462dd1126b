package dev.apollo.core.port;

import dev.apollo.core.model.ArtifactRef;
import dev.apollo.core.model.ImageReference;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.model.Version;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/** Where runnable artifacts live, each under {@code name:version} with its sha256. */
public interface ArtifactStore {

    /**
     * Stores an artifact: an executable jar ({@link ArtifactKind#JAR}) or a container image archive as
     * {@code docker save} writes it ({@link ArtifactKind#IMAGE}), told apart by their content. Pushing the
     * same bytes again is a no-op; different bytes under an existing name and version are refused with a
     * conflict.
     */
    StoredArtifact push(ServiceName name, Version version, InputStream content);

    /**
     * Records an image that the engine already has as {@code name:version}, by its reference and the engine's
     * id of it (a sha256), which stands for its content: the same id again is a no-op, another is a conflict.
     * The store keeps no bytes of it; its location is {@code image:REFERENCE}.
     */
    StoredArtifact pushImage(ServiceName name, Version version, ImageReference image, ImageFacts facts);

    /** What the engine says of an image it has: its id as a sha256 in hex, and its size. */
    record ImageFacts(String sha256, long size) {}

    /** All stored artifacts, by name then version. */
    List<StoredArtifact> list();

    /**
     * Finds an artifact, fetching Maven coordinates from the local Maven repository or the
     * configured remote one. Throws not-found naming where it looked.
     */
    StoredArtifact resolve(ArtifactRef ref);

    /** A stored artifact; {@code kind} and {@code location} are what the scheduler is given. */
    record StoredArtifact(ServiceName name, Version version, ArtifactKind kind, String sha256, long size, Instant storedAt,
            URI location) {}
}
