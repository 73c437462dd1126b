package dev.apollo.core.port;

import dev.apollo.core.model.ArtifactRef;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.model.Version;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/** Where runnable artifacts live, each under {@code name:version} with its sha256. */
public interface ArtifactStore {

    /**
     * Stores an artifact. Pushing the same bytes again is a no-op; different bytes under an
     * existing name and version are refused with a conflict.
     */
    StoredArtifact push(ServiceName name, Version version, InputStream content);

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
