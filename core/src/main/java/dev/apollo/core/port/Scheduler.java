package dev.apollo.core.port;

import dev.apollo.core.model.InstanceId;
import java.time.Duration;
import java.util.List;

/**
 * The backend that runs instances: local processes, later Docker Swarm or Kubernetes. It speaks
 * of instances by id and address only. Calls return at once; what happened shows in
 * {@link #instances()}, which is the truth of what runs ("the scheduler knows").
 */
public interface Scheduler extends AutoCloseable {

    /** Starts an instance. Its address appears in {@link #instances()} as soon as it is known. */
    void launch(InstanceSpec spec);

    /** Asks an instance to stop gracefully, then forces it after {@code grace}. Idempotent. */
    void stop(InstanceId id, Duration grace);

    /**
     * Every instance the scheduler runs, including those adopted from an earlier run of the
     * control plane and those that exited and are not yet {@linkplain #forget forgotten}.
     */
    List<ObservedInstance> instances();

    /** Drops an exited instance from {@link #instances()} once the platform has taken note of its exit. */
    void forget(InstanceId id);

    /**
     * Reads an instance's output (stdout and stderr, as one stream) from a byte offset.
     * Unknown instances read as empty.
     */
    LogChunk readLog(InstanceId id, long offset, int maxBytes);

    /** The last {@code lines} lines of an instance's output. */
    List<String> tailLog(InstanceId id, int lines);

    /** Releases the scheduler's own resources. Instances keep running, to be adopted by the next run. */
    @Override
    void close();

    /**
     * A piece of an instance's output.
     *
     * @param next the offset to read from next time; smaller than the asked offset when the log
     *     was rotated in between (the reader then starts over at {@code next})
     */
    record LogChunk(byte[] bytes, long next) {}
}
