package dev.apollo.core.port;

import dev.apollo.core.model.Address;
import dev.apollo.core.model.InstanceId;
import dev.apollo.core.model.ReleaseId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An instance as the scheduler sees it: the truth of what actually runs.
 *
 * @param address where it listens, once the scheduler knows
 * @param exit how it ended, once it has
 * @param stopRequested the platform asked it to stop (an exit is then expected, not a crash)
 */
public record ObservedInstance(
        InstanceId id,
        ReleaseId release,
        Optional<Address> address,
        Instant startedAt,
        boolean stopRequested,
        Optional<Exit> exit) {

    public ObservedInstance {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(exit, "exit");
    }

    public boolean running() {
        return exit.isEmpty();
    }

    /** Where the instance is in its life, as far as the backend knows. */
    public State state() {
        if (exit.isPresent()) {
            return State.EXITED;
        }
        if (stopRequested) {
            return State.STOPPING;
        }
        return address.isPresent() ? State.RUNNING : State.STARTING;
    }

    /** The life of an instance: starting (no address yet), running, stopping on request, exited. */
    public enum State { STARTING, RUNNING, STOPPING, EXITED }

    /**
     * How an instance ended.
     *
     * @param code the exit code, or {@link #UNKNOWN_CODE} when the scheduler could not learn it
     * @param reason a sentence for people: "exited with code 1", "killed by signal 9"
     */
    public record Exit(int code, String reason, Instant at) {
        public static final int UNKNOWN_CODE = -1;

        public Exit {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(at, "at");
        }
    }
}
