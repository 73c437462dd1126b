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

/**
 * Finds or makes the image a release runs, off the caller's thread: the base image takes a jlink
 * (tens of seconds, once per JDK) and a jar's image a build (about a second, once per jar), and
 * the scheduler's calls return at once. One build at a time; a failure is handed out once, so
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
    private final Map<URI, Status> jars = new ConcurrentHashMap<>();
    private final Runnable onBuilt;
    private volatile Optional<String> base = Optional.empty();

    /** {@code onBuilt} runs after each jar's build, failed or not, for the caller to go on with what waited. */
    ImagePreparer(Images images, RuntimeImage runtime, Runnable onBuilt) {
        this.images = images;
        this.runtime = runtime;
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
        if (release.kind() == ArtifactKind.IMAGE) {
            String reference = release.artifact().getSchemeSpecificPart();
            if (!IMAGE_SCHEME.equals(release.artifact().getScheme())) {
                return new Status.Failed("artifact " + release.artifact() + " is not an image: URI (image:REFERENCE).");
            }
            return images.exists(reference) ? new Status.Ready(reference)
                    : new Status.Failed("the Docker engine has no image " + reference + ".");
        }
        Optional<String> problem = JarImage.problem(release.artifact());
        if (problem.isPresent()) {
            return new Status.Failed(problem.get());
        }
        URI jar = release.artifact();
        Status status = jars.computeIfAbsent(jar, key -> {
            builder.execute(() -> build(jar));
            return new Status.Building();
        });
        if (status instanceof Status.Failed) {
            jars.remove(jar, status);
        }
        return status;
    }

    private void build(URI jar) {
        Status result;
        try {
            result = new Status.Ready(JarImage.ensure(images, baseImage(), Path.of(jar)));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not make an image of " + jar, e);
            result = new Status.Failed("could not make an image of " + jar + ": " + e.getMessage());
        }
        jars.put(jar, result);
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
