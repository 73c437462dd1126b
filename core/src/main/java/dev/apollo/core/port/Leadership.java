package dev.apollo.core.port;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Which of the control planes sharing one store leads. The leader holds a lease that it renews;
 * taking a lease over starts a new term with a higher epoch, and the store refuses every write made
 * under an older epoch (a fencing token), so a paused or partitioned ex-leader cannot act on stale
 * belief. A store only one control plane can open has a solo leadership: always leading, one term.
 */
public interface Leadership extends AutoCloseable {

    /**
     * One round, several times per term: renews the lease this control plane holds, or takes the
     * lease when it is free or expired, and records this control plane's last contact.
     */
    Round campaign();

    /** Whether this control plane leads right now: a term it won and renewed within the lease, by its own clock. */
    boolean leading();

    /** Gives up a lease held (a clean stop), so that a standby takes over without waiting for it to expire. */
    void resign();

    /** The current term as the store has it now, whoever holds it. */
    Term current();

    /** Every control plane that has campaigned recently, leader included, by id. */
    List<Member> members();

    @Override
    void close();

    /**
     * A term of leadership.
     *
     * @param epoch the term's number: 0 before anyone ever led
     * @param holder the leading control plane's id
     * @param address its API address
     * @param expiresAt when its lease runs out unless renewed
     */
    record Term(long epoch, String holder, String address, Instant expiresAt) {
        public Term {
            Objects.requireNonNull(holder, "holder");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }
    }

    /**
     * What a round found.
     *
     * @param change what it changed for this control plane
     * @param term the current term, whoever holds it
     */
    record Round(Change change, Term term) {}

    enum Change {
        /** Still leading, or still standing by. */
        NONE,
        /** Took the lease: a new term begins with this control plane as leader. */
        WON,
        /** Could not renew within the lease: this control plane no longer leads and must stop acting. */
        LOST
    }

    /** A control plane sharing the store, and its last contact. */
    record Member(String id, String address, Instant startedAt, Instant seenAt) {}
}
