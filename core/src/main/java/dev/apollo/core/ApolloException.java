package dev.apollo.core;

import java.util.Optional;

/**
 * Root of every error Apollo raises on purpose. Messages are whole sentences that say what was
 * wrong and what to do next; the API maps each subtype to one HTTP status, the CLI to one exit code.
 */
public class ApolloException extends RuntimeException {
    public ApolloException(String message) {
        super(message);
    }

    public ApolloException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The caller asked for something malformed or out of bounds (HTTP 400). */
    public static final class Invalid extends ApolloException {
        public Invalid(String message) {
            super(message);
        }
    }

    /** The caller named something that does not exist (HTTP 404). */
    public static final class NotFound extends ApolloException {
        public NotFound(String message) {
            super(message);
        }
    }

    /** The request clashes with the current state; the message names what it clashes with (HTTP 409). */
    public static final class Conflict extends ApolloException {
        public Conflict(String message) {
            super(message);
        }
    }

    /** The request carries more than the platform accepts (HTTP 413). */
    public static class TooLarge extends ApolloException {
        public TooLarge(String message) {
            super(message);
        }
    }

    /**
     * This control plane does not lead, or no longer does: writes and the work they start belong to
     * the leader, whose API address is given when known (HTTP 503, the address in {@code X-Apollo-Leader}).
     */
    public static final class NotLeader extends ApolloException {
        private final String leader;

        public NotLeader(String message, String leader) {
            super(message);
            this.leader = leader == null ? "" : leader;
        }

        /** The leader's API address (http://HOST:PORT), or empty when none leads right now. */
        public Optional<String> leader() {
            return leader.isEmpty() ? Optional.empty() : Optional.of(leader);
        }
    }

    /**
     * The platform ran out of something it needs to carry out a valid request: disk space for an
     * upload, for instance (HTTP 507). The message names what ran out and where.
     */
    public static final class OutOfSpace extends ApolloException {
        public OutOfSpace(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
