package dev.apollo.store.postgres;

import dev.apollo.store.jdbc.Jdbc;
import dev.apollo.core.ApolloException;
import dev.apollo.store.jdbc.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.Set;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Runs the store's work on pooled connections: reads on their own, writes as one transaction each,
 * retried while the database is unreachable (a restart, a failover, a cut network) up to a deadline,
 * so that a short outage delays the control plane instead of failing it.
 *
 * <p>Only work that certainly did not commit is retried: a connection lost while COMMIT was on its
 * way may have committed or not, and repeating it could append the same events twice, so that one
 * case is reported, as unknown, to the caller.
 */
final class Db {
    private static final Logger LOG = Logger.getLogger(Db.class.getName());

    /** One key for the whole store: every write transaction takes it, so writes run one at a time, as on SQLite. */
    private static final long WRITE_LOCK = 0x41706f6c6c6f01L;

    /**
     * Class 08: connection exceptions; 57P01-03: the server shuts down or is starting; 40001 and
     * 40P01: serialization failure and deadlock, which PostgreSQL asks the client to retry.
     */
    private static final Set<String> RETRIED_STATES = Set.of("57P01", "57P02", "57P03", "40001", "40P01");

    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }



    /** Checked inside every write transaction, before its work: throws to refuse the write (a fencing token). */
    @FunctionalInterface
    interface Guard {
        void check(Connection connection) throws SQLException;
    }

    private final DataSource source;
    private final String where;
    private final Duration retryFor;
    private volatile Guard guard = connection -> {};

    Db(DataSource source, String where, Duration retryFor) {
        this.source = source;
        this.where = where;
        this.retryFor = retryFor;
    }

    void guardWrites(Guard guard) {
        this.guard = guard;
    }

    /** Reads, each in its own short transaction (autocommit). */
    <T> T read(String what, Work<T> work) {
        return retrying(what, false, work);
    }

    /** One write transaction, behind the write lock and the guard. */
    <T> T write(String what, Work<T> work) {
        return retrying(what, true, work);
    }

    /** Work on one connection as it is, with no retry: for the lease, whose every attempt is timed. */
    <T> T once(String what, Work<T> work) {
        try (Connection connection = source.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private <T> T retrying(String what, boolean transaction, Work<T> work) {
        long deadline = System.nanoTime() + retryFor.toNanos();
        long pause = 50;
        boolean warned = false;
        while (true) {
            Attempt<T> attempt = new Attempt<>();
            try {
                T result = transaction ? attempt.inTransaction(work) : attempt.plain(work);
                if (warned) {
                    LOG.info("the database at " + where + " answers again; done: " + what);
                }
                return result;
            } catch (SQLException e) {
                if (!retried(e) || System.nanoTime() > deadline) {
                    throw failure(what, e);
                }
                if (attempt.committing) {
                    throw new StoreException("Lost the connection to the database at " + where + " while committing (" + what
                            + "): the change may or may not have been kept. Read the current state before trying again.", e);
                }
                if (!warned) {
                    LOG.warning("the database at " + where + " does not answer (" + innermost(e).getMessage() + "); retrying for up to "
                            + retryFor.toSeconds() + " s: " + what);
                    warned = true;
                }
                sleep(pause);
                pause = Math.min(pause * 2, 1_000);
            }
        }
    }

    private final class Attempt<T> {
        boolean committing;

        T plain(Work<T> work) throws SQLException {
            try (Connection connection = source.getConnection()) {
                return work.run(connection);
            }
        }

        T inTransaction(Work<T> work) throws SQLException {
            try (Connection connection = source.getConnection()) {
                connection.setAutoCommit(false);
                try {
                    Jdbc.list(connection, "SELECT pg_advisory_xact_lock(?)", s -> s.setLong(1, WRITE_LOCK), row -> true);
                    guard.check(connection);
                    T result = work.run(connection);
                    committing = true;
                    connection.commit();
                    return result;
                } catch (SQLException | RuntimeException | Error e) {
                    if (!committing) {
                        rollback(connection, e);
                    }
                    throw e;
                } finally {
                    restoreAutoCommit(connection);
                }
            }
        }
    }

    private static void rollback(Connection connection, Throwable cause) {
        try {
            if (!connection.isClosed()) {
                connection.rollback();
            }
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static void restoreAutoCommit(Connection connection) {
        try {
            if (!connection.isClosed()) {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            // The pool resets or evicts a broken connection by itself.
        }
    }

    /**
     * Whether to try again: decided by the innermost SQLException, the database's own answer (the pool
     * wraps a refused login in a "transient" timeout, but a wrong password stays wrong).
     */
    static boolean retried(SQLException e) {
        SQLException cause = innermost(e);
        String state = cause.getSQLState();
        if (state != null) {
            // 08004: the server rejected the connection (no password given to a server that wants one).
            return (state.startsWith("08") && !state.equals("08004")) || RETRIED_STATES.contains(state);
        }
        return cause instanceof SQLTransientException || cause instanceof SQLRecoverableException
                || e instanceof SQLTransientException || e instanceof SQLRecoverableException;
    }

    private static SQLException innermost(SQLException e) {
        SQLException innermost = e;
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                innermost = sql;
            }
        }
        return innermost;
    }

    private ApolloException failure(String what, SQLException e) {
        if (e instanceof Fenced fenced) {
            return fenced.refusal();
        }
        SQLException cause = innermost(e);
        String hint = switch (cause.getSQLState() == null ? "" : cause.getSQLState()) {
            case "28P01", "28000", "08004" -> " Check the user in the store URL and the password (APOLLO_STORE_PASSWORD or --store-password-file).";
            case "3D000" -> " Create the database first (createdb), or name an existing one in the store URL.";
            default -> retried(e) ? " The database did not answer for " + retryFor.toSeconds() + " s; check that it runs and is reachable." : "";
        };
        return new StoreException("Could not " + what + " in the database at " + where + ": " + withoutFinalStop(cause.getMessage()) + "." + hint, e);
    }

    private static String withoutFinalStop(String message) {
        String text = message == null ? "" : message.strip();
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for the database", e);
        }
    }

    /** A write the guard refused; carried as an SQLException so that it rolls back the transaction, never retried. */
    static final class Fenced extends SQLException {
        private final transient ApolloException.NotLeader refusal;

        Fenced(ApolloException.NotLeader refusal) {
            super(refusal.getMessage(), "AP001");
            this.refusal = refusal;
        }

        ApolloException.NotLeader refusal() {
            return refusal;
        }
    }


}
