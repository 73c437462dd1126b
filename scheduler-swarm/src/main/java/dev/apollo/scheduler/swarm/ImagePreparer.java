package dev.apollo.scheduler.swarm;

import dev.apollo.core.port.ArtifactKind;
import dev.apollo.core.port.ReleaseSpec;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Finds or makes the image a release runs, off the caller's thread: the base image takes a jlink
 * (tens of seconds, once per JDK), a jar's image a build (about a second, once per jar) and an image
 * archive a load (once per archive), and the scheduler's calls return at once. One build at a time; a failure is handed out once, so
 * that the next attempt (after the platform's back-off) builds again.
 */
final class ImagePreparer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ImagePreparer.class.getName());
    /** An image artifact's URI: {@code image:REFERENCE}. */
    static final String IMAGE_SCHEME = "image";

    /** Where an image stands. */
    sealed interface Status {
        record Ready(String reference) implements Status {}

        record Failed(String reason) implements Status {}

        record Building() implements Status {}
    }

    private final Images images;
    private final RuntimeImage runtime;
    private final ExecutorService builder = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("apollo-swarm-images").daemon(true).factory());
    /** Jars and image archives by their location: being made, made, or failed (handed out once). */
    private final Map<URI, Status> prepared = new ConcurrentHashMap<>();
    private final Runnable onBuilt;
    private final Consumer<String> spread;
    private volatile Optional<String> base = Optional.empty();

    /**
     * {@code spread} puts a made image on every node that may run it (before it is handed out as ready);
     * {@code onBuilt} runs after each jar's build or archive's load, failed or not, for the caller to go on
     * with what waited.
     */
    ImagePreparer(Images images, RuntimeImage runtime, Consumer<String> spread, Runnable onBuilt) {
        this.images = images;
        this.runtime = runtime;
        this.spread = spread;
        this.onBuilt = onBuilt;
    }

    /** Starts making the base image now, so that the first deploy of a jar does not wait for it. */
    void prepareBase() {
        builder.execute(() -> {
            try {
                baseImage();
            } catch (RuntimeException e) {
                if (!builder.isShutdown()) { // closing cancels the build: no news
                    LOG.log(Level.WARNING, "Could not build the Java base image; the next jar deploy tries again", e);
                }
            }
        });
    }

    /** The image of {@code release}'s artifact, or why there is none, or that it is being made. */
    Status imageFor(ReleaseSpec release) {
        URI artifact = release.artifact();
        if (release.kind() == ArtifactKind.IMAGE && IMAGE_SCHEME.equals(artifact.getScheme())) {
            String reference = artifact.getSchemeSpecificPart();
            return images.exists(reference) ? new Status.Ready(reference)
                    : new Status.Failed("the Docker engine has no image " + reference + ".");
        }
        Optional<String> problem = JarImage.problem(artifact);
        if (problem.isPresent()) {
            return new Status.Failed(problem.get());
        }
        Status status = prepared.computeIfAbsent(artifact, key -> {
            builder.execute(() -> prepare(release.kind(), artifact));
            return new Status.Building();
        });
        if (status instanceof Status.Failed) {
            prepared.remove(artifact, status);
        }
        return status;
    }

    /** A jar becomes an image on the base image; an image archive is loaded. */
    private void prepare(ArtifactKind kind, URI artifact) {
        Status result;
        try {
            Path file = Path.of(artifact);
            String reference = kind == ArtifactKind.JAR ? JarImage.ensure(images, baseImage(), file)
                    : ArchiveImage.ensure(images, file);
            spread.accept(reference);
            result = new Status.Ready(reference);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not make an image of " + artifact, e);
            result = new Status.Failed((kind == ArtifactKind.JAR ? "could not make an image of " : "could not load the"
                    + " image archive ") + artifact + ": " + e.getMessage());
        }
        prepared.put(artifact, result);
        onBuilt.run();
    }

    private String baseImage() {
        if (base.isEmpty()) {
            base = Optional.of(runtime.ensure(images));
        }
        return base.get();
    }

    @Override
    public void close() {
        builder.shutdownNow();
    }
}
