package dev.apollo.core.port;

import dev.apollo.core.ApolloException;
import dev.apollo.core.model.ImageReference;
import dev.apollo.core.model.InstanceId;
import dev.apollo.core.model.ReleaseId;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The backend that runs releases: local processes today, Docker Swarm or Kubernetes next. It is
 * shaped for engines that own their instances: the platform asks for a release at a count, and
 * learns what runs from {@link #instances()} ("the scheduler knows"). Calls return at once.
 *
 * <p>Who decides what: the platform decides how many instances a release should have, when a
 * failed one is replaced (its backoff), and which instance leaves first (it drains an instance out
 * of the gateways before it stops it). The scheduler starts, stops and reports; it never replaces an
 * instance on its own, so the two never fight over restarts.
 */
public interface Scheduler extends AutoCloseable {

    /** The kinds of artifact this backend runs. */
    Set<ArtifactKind> runs();

    /**
     * What the engine knows of an image it has, for recording it as an artifact. A backend that runs no
     * images refuses, saying which one does.
     *
     * @throws ApolloException.NotFound when the engine has no such image
     */
    default ArtifactStore.ImageFacts inspectImage(ImageReference image) {
        throw new ApolloException.Invalid("this control plane's scheduler runs " + ArtifactKind.describe(runs()) + ", not container"
                + " images; start it with --scheduler swarm to run image " + image + ".");
    }

    /**
     * Makes {@code release} run {@code instances} instances, counting those running or starting
     * that the platform has not asked to stop. Starts the missing ones, so a second call with the
     * same count starts nothing. Never stops one: the platform drains a surplus instance first and
     * then {@linkplain #stop stops} it by id.
     *
     * @return the instances this call started, as far as the backend knows them yet (an engine that
     *     names its instances later returns fewer; they appear in {@link #instances()})
     */
    List<ObservedInstance> ensure(ReleaseSpec release, int instances);

    /** Asks one instance to stop gracefully, then forces it after {@code grace}. Idempotent. */
    void stop(InstanceId id, Duration grace);

    /**
     * Stops every instance of a release that still runs, and lets the backend drop what it keeps for
     * the release (an engine's service object) once they have exited. Idempotent.
     */
    void retire(ReleaseId release, Duration grace);

    /**
     * Waits until the backend has dropped what it kept for retired releases whose instances have all exited,
     * for a caller about to go away ({@code apollo down}) that must leave nothing behind. A backend that keeps
     * nothing but its instances (processes) is done at once.
     *
     * @return false when something was still kept at the timeout
     */
    default boolean awaitRetired(Duration timeout) throws InterruptedException {
        return true;
    }

    /**
     * Every instance the scheduler runs, including those adopted from an earlier run of the control
     * plane and those that exited and are not yet {@linkplain #forget forgotten}, by id.
     */
    List<ObservedInstance> instances();

    /** Drops an exited instance from {@link #instances()} once the platform has taken note of its exit. */
    void forget(InstanceId id);

    /**
     * Reads an instance's output (stdout and stderr as one stream) from a cursor: {@link LogCursor#START}
     * for all that is kept, {@link LogCursor#END} for what comes from now on, or the cursor of the
     * previous page. Unknown instances read as empty.
     */
    LogPage readLog(InstanceId id, LogCursor from, int maxBytes);

    /** The last {@code lines} lines of an instance's output. */
    List<String> tailLog(InstanceId id, int lines);

    /** Releases the scheduler's own resources. Instances keep running, to be adopted by the next run. */
    @Override
    void close();

    /**
     * A position in an instance's output, meaningful only to the scheduler that made it: a byte
     * offset for a file, a timestamp for an engine's log API.
     */
    record LogCursor(String token) {
        public static final LogCursor START = new LogCursor("start");
        public static final LogCursor END = new LogCursor("end");

        public LogCursor {
            Objects.requireNonNull(token, "token");
        }
    }

    /** A piece of an instance's output and where to read on from. */
    record LogPage(byte[] bytes, LogCursor next) {}
}
