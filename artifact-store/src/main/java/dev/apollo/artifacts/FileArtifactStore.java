package dev.apollo.artifacts;

import dev.apollo.core.ApolloException;
import dev.apollo.core.model.ArtifactRef;
import dev.apollo.core.model.ImageReference;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.model.Version;
import dev.apollo.core.port.ArtifactKind;
import dev.apollo.core.port.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The artifact store as plain files: {@code root/<name>/<version>/artifact.jar} (or {@code artifact.tar}, an
 * image archive) next to its {@code artifact.properties}; an image the engine already has is only its
 * {@code artifact.properties}. An artifact is received into a hidden directory in {@code root} and
 * renamed into place in one atomic step, so a reader (or a crash) never sees half of one.
 *
 * <p>One store instance per root: opening a store removes unfinished uploads left in it.
 */
public final class FileArtifactStore implements ArtifactStore {
    static final String METADATA = "artifact.properties";
    /** The location of an image that only the engine holds: {@code image:REFERENCE}. */
    public static final String IMAGE_SCHEME = "image";
    static final String INCOMING_PREFIX = ".incoming-";

    private final Path root;
    private final Options options;
    private final MavenResolver maven;
    private final ConcurrentMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    private FileArtifactStore(Path root, Options options) {
        this.root = root;
        this.options = options;
        this.maven = new MavenResolver(options.localRepository(), options.remoteRepository(), options.maxArtifactBytes());
    }

    /** Opens (creating if needed) the store in {@code root}. */
    public static FileArtifactStore open(Path root, Options options) {
        Objects.requireNonNull(options, "options");
        Path dir = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            StoreFiles.deleteChildrenStartingWith(dir, INCOMING_PREFIX);
        } catch (IOException | UncheckedIOException e) {
            throw new ApolloException("could not open the artifact store in " + dir + ": " + e.getMessage(), e);
        }
        return new FileArtifactStore(dir, options);
    }

    public Path root() {
        return root;
    }

    @Override
    public StoredArtifact push(ServiceName name, Version version, InputStream content) {
        Objects.requireNonNull(content, "content");
        return store(name, version, content, new Source(name + ":" + version, "push", Optional.empty()));
    }

    @Override
    public List<StoredArtifact> list() {
        List<StoredArtifact> all = new ArrayList<>();
        for (ServiceName name : storedNames()) {
            for (Version version : storedVersions(name)) {
                find(name, version).ifPresent(all::add);
            }
        }
        return List.copyOf(all);
    }

    @Override
    public StoredArtifact resolve(ArtifactRef ref) {
        return switch (ref) {
            case ArtifactRef.Stored stored -> find(stored.name(), stored.version())
                    .orElseThrow(() -> notStored(stored.name(), stored.version()));
            case ArtifactRef.Maven coordinates -> resolveMaven(coordinates);
        };
    }

    private StoredArtifact resolveMaven(ArtifactRef.Maven ref) {
        Path dir = artifactDir(ref.name(), ref.version());
        Optional<ArtifactMetadata> cached = metadataIn(dir);
        // Released Maven artifacts never change, so a cached copy is as good as the original.
        if (cached.isPresent() && cached.get().source().equals(ref.coordinates())) {
            return stored(ref.name(), ref.version(), cached.get());
        }
        try (MavenJar jar = maven.open(ref)) {
            return store(ref.name(), ref.version(), jar.content(),
                    new Source(ref.coordinates(), jar.origin(), jar.expectedSha1()));
        } catch (IOException e) {
            throw new ApolloException("could not read " + ref.coordinates() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public StoredArtifact pushImage(ServiceName name, Version version, ImageReference image, ImageFacts facts) {
        Objects.requireNonNull(image, "image");
        String what = name + ":" + version;
        Path incoming = StoreFiles.createUploadDirectory(root, INCOMING_PREFIX, what);
        try {
            ArtifactMetadata metadata = new ArtifactMetadata(facts.sha256(), facts.size(), options.clock().instant(), what,
                    "image " + image + " in the engine", ArtifactKind.IMAGE, Optional.of(image));
            metadata.write(incoming.resolve(METADATA));
            return publish(name, version, incoming, metadata);
        } catch (IOException e) {
            throw new ApolloException("could not store " + what + " in " + root + ": " + e.getMessage(), e);
        } finally {
            StoreFiles.deleteQuietly(incoming);
        }
    }

    /** The single way in for every artifact, pushed or fetched: receive, verify, then publish. */
    private StoredArtifact store(ServiceName name, Version version, InputStream content, Source source) {
        String what = name + ":" + version;
        Path incoming = StoreFiles.createUploadDirectory(root, INCOMING_PREFIX, what);
        try {
            ArtifactIntake.Received received = ArtifactIntake.receive(content, incoming, options.maxArtifactBytes(), what);
            source.verify(received);
            if (received.kind() == ArtifactKind.IMAGE) {
                ImageArchive.check(received.file(), what);
            }
            ArtifactMetadata metadata = new ArtifactMetadata(received.sha256(), received.size(), options.clock().instant(),
                    source.coordinates(), source.origin(), received.kind(), Optional.empty());
            metadata.write(incoming.resolve(METADATA));
            return publish(name, version, incoming, metadata);
        } catch (IOException e) {
            if (OutOfSpace.is(e)) {
                throw OutOfSpace.storing(what, root, e);
            }
            throw new ApolloException("could not store " + what + " in " + root + ": " + e.getMessage(), e);
        } finally {
            // Already gone when publish moved it into place; otherwise this is a refused or failed upload.
            StoreFiles.deleteQuietly(incoming);
        }
    }

    private StoredArtifact publish(ServiceName name, Version version, Path incoming, ArtifactMetadata metadata)
            throws IOException {
        Path target = artifactDir(name, version);
        ReentrantLock lock = locks.computeIfAbsent(name + ":" + version, key -> new ReentrantLock());
        lock.lock();
        try {
            Optional<ArtifactMetadata> existing = metadataIn(target);
            if (existing.isPresent()) {
                return sameOrConflict(name, version, existing.get(), metadata);
            }
            Files.createDirectories(target.getParent(), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            try {
                Files.move(incoming, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileSystemException e) {
                // Another process sharing this root may have published it first; judge against that one.
                Optional<ArtifactMetadata> winner = metadataIn(target);
                if (winner.isEmpty()) {
                    throw e;
                }
                return sameOrConflict(name, version, winner.get(), metadata);
            }
            return stored(name, version, metadata);
        } finally {
            lock.unlock();
        }
    }

    private StoredArtifact sameOrConflict(ServiceName name, Version version, ArtifactMetadata existing, ArtifactMetadata incoming) {
        if (existing.sha256().equals(incoming.sha256())) {
            return stored(name, version, existing);
        }
        throw new ApolloException.Conflict(name + ":" + version + " is already in the artifact store with sha256 "
                + Digests.prefix(existing.sha256()) + "... (from " + existing.origin() + "), but the new content from "
                + incoming.origin() + " has sha256 " + Digests.prefix(incoming.sha256())
                + "...; stored artifacts never change. Push the new content under a new version.");
    }

    private Optional<StoredArtifact> find(ServiceName name, Version version) {
        return metadataIn(artifactDir(name, version)).map(metadata -> stored(name, version, metadata));
    }

    private StoredArtifact stored(ServiceName name, Version version, ArtifactMetadata metadata) {
        URI location = metadata.image().map(image -> URI.create(IMAGE_SCHEME + ":" + image))
                .orElseGet(() -> artifactDir(name, version).resolve(ArtifactIntake.fileName(metadata.kind())).toUri());
        return new StoredArtifact(name, version, metadata.kind(), metadata.sha256(), metadata.size(), metadata.storedAt(),
                location);
    }

    private ApolloException.NotFound notStored(ServiceName name, Version version) {
        String message = "artifact " + name + ":" + version + " is not in the artifact store; push it with: apollo artifact push FILE.jar --name "
                + name + " --version " + version;
        List<Version> others = storedVersions(name);
        if (!others.isEmpty()) {
            message += " (stored versions of " + name + ": "
                    + others.stream().map(Version::value).collect(Collectors.joining(", ")) + ")";
        }
        return new ApolloException.NotFound(message);
    }

    private Optional<ArtifactMetadata> metadataIn(Path dir) {
        Path file = dir.resolve(METADATA);
        // The metadata is written before the directory is renamed into place, so its presence marks a whole artifact.
        return Files.isRegularFile(file) ? Optional.of(ArtifactMetadata.read(file)) : Optional.empty();
    }

    private Path artifactDir(ServiceName name, Version version) {
        return SafePaths.below(root, name.value(), version.value());
    }

    private List<ServiceName> storedNames() {
        return StoreFiles.childDirectories(root).stream()
                .flatMap(FileArtifactStore::asServiceName)
                .sorted()
                .toList();
    }

    private List<Version> storedVersions(ServiceName name) {
        Path dir = SafePaths.below(root, name.value());
        return StoreFiles.childDirectories(dir).stream()
                .flatMap(FileArtifactStore::asVersion)
                .filter(version -> Files.isRegularFile(dir.resolve(version.value()).resolve(METADATA)))
                .sorted(VersionOrder.INSTANCE)
                .toList();
    }

    private static Stream<ServiceName> asServiceName(String text) {
        try {
            return Stream.of(ServiceName.of(text));
        } catch (ApolloException.Invalid notOurs) {
            return Stream.empty();
        }
    }

    private static Stream<Version> asVersion(String text) {
        try {
            return Stream.of(Version.of(text));
        } catch (ApolloException.Invalid notOurs) {
            return Stream.empty();
        }
    }

    /** Where content claims to come from, and what the origin promised about it. */
    private record Source(String coordinates, String origin, Optional<String> expectedSha1) {
        void verify(ArtifactIntake.Received received) {
            if (expectedSha1.isPresent() && received.kind() != ArtifactKind.JAR) {
                throw new ApolloException.Invalid("the file downloaded from " + origin + " is not a jar; nothing was"
                        + " stored. Maven coordinates name executable jars.");
            }
            if (expectedSha1.isPresent() && !expectedSha1.get().equals(received.sha1())) {
                throw new ApolloException("the jar downloaded from " + origin + " has sha1 " + received.sha1()
                        + " but the repository's checksum says " + expectedSha1.get()
                        + "; nothing was stored. The download was corrupted or the repository is inconsistent; try again.");
            }
        }
    }

    /**
     * How the store finds and accepts artifacts.
     *
     * @param localRepository a Maven local repository laid out like {@code ~/.m2/repository}
     * @param remoteRepository a Maven repository base URL such as {@code https://repo.maven.apache.org/maven2}
     * @param maxArtifactBytes the largest artifact accepted
     * @param clock stamps {@code storedAt}
     */
    public record Options(Path localRepository, Optional<URI> remoteRepository, long maxArtifactBytes, Clock clock) {
        public static final long DEFAULT_MAX_ARTIFACT_BYTES = 512 * Sizes.MIB;

        public Options {
            Objects.requireNonNull(localRepository, "localRepository");
            Objects.requireNonNull(remoteRepository, "remoteRepository");
            Objects.requireNonNull(clock, "clock");
            remoteRepository.ifPresent(Options::requireHttp);
            if (maxArtifactBytes <= 0) {
                throw new ApolloException.Invalid("max artifact size: " + maxArtifactBytes + " (expected: > 0 bytes)");
            }
        }

        /** {@code ~/.m2/repository}, no remote, 512 MiB, the system clock. */
        public static Options defaults() {
            return new Options(Path.of(System.getProperty("user.home"), ".m2", "repository"),
                    Optional.empty(), DEFAULT_MAX_ARTIFACT_BYTES, Clock.systemUTC());
        }

        public Options withLocalRepository(Path localRepository) {
            return new Options(localRepository, remoteRepository, maxArtifactBytes, clock);
        }

        public Options withRemoteRepository(URI remoteRepository) {
            return new Options(localRepository, Optional.of(remoteRepository), maxArtifactBytes, clock);
        }

        public Options withMaxArtifactBytes(long maxArtifactBytes) {
            return new Options(localRepository, remoteRepository, maxArtifactBytes, clock);
        }

        public Options withClock(Clock clock) {
            return new Options(localRepository, remoteRepository, maxArtifactBytes, clock);
        }

        private static void requireHttp(URI uri) {
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw new ApolloException.Invalid("remote Maven repository '" + uri
                        + "': expected an http or https URL (e.g. https://repo.maven.apache.org/maven2).");
            }
        }
    }
}
