package dev.apollo.store.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

/** SQLite's transactions for the row classes (their statements go through {@link dev.apollo.store.jdbc.Jdbc}). */
final class Sql {
    private Sql() {}

    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }



    /**
     * Runs {@code work} in one transaction, rolled back if anything in it throws. IMMEDIATE takes
     * the write lock up front: a deferred transaction that later wants to write can fail with
     * SQLITE_BUSY at once, without waiting out the busy timeout.
     */
    static <T> T inTransaction(Connection connection, Work<T> work) throws SQLException {
        execute(connection, "BEGIN IMMEDIATE");
        try {
            T result = work.run(connection);
            execute(connection, "COMMIT");
            return result;
        } catch (SQLException | RuntimeException | Error e) {
            try {
                execute(connection, "ROLLBACK");
            } catch (SQLException rollbackFailure) {
                // SQLite may already have rolled back by itself (e.g. a failed COMMIT); keep the first cause.
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        }
    }

    static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        }
    }

    static String text(Instant instant) {
        return instant.toString();
    }

    static Instant instant(String text) {
        return Instant.parse(text);
    }
}
