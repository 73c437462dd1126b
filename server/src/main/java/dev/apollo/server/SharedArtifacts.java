package dev.apollo.server;

import dev.apollo.core.model.ArtifactRef;
import dev.apollo.core.model.ImageReference;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.model.Version;
import dev.apollo.core.port.ArtifactStore;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;

/**
 * The artifact store of a control plane that shares its store with others: its own data dir's until it
 * leads, then the one beside the instances it adopted ({@link SharedScheduler}). Releases name their
 * artifacts by name and version and are resolved again whenever an instance starts, so a new leader on the
 * same machine must read the artifacts where the previous leader kept them, and keep new pushes there for
 * the next one.
 */
final class SharedArtifacts implements ArtifactStore {
    private volatile ArtifactStore delegate;

    SharedArtifacts(ArtifactStore own) {
        this.delegate = Objects.requireNonNull(own, "own");
    }

    /** From now on, artifacts are read from and pushed to {@code cluster}'s. */
    void use(ArtifactStore cluster) {
        this.delegate = Objects.requireNonNull(cluster, "cluster");
    }

    @Override
    public StoredArtifact push(ServiceName name, Version version, InputStream content) {
        return delegate.push(name, version, content);
    }

    @Override
    public StoredArtifact pushImage(ServiceName name, Version version, ImageReference image, ImageFacts facts) {
        return delegate.pushImage(name, version, image, facts);
    }

    @Override
    public List<StoredArtifact> list() {
        return delegate.list();
    }

    @Override
    public StoredArtifact resolve(ArtifactRef ref) {
        return delegate.resolve(ref);
    }
}
