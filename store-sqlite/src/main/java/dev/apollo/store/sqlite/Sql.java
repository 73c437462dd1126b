package dev.apollo.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The little JDBC the row classes share, so each of them is only SQL and mapping. */
final class Sql {
    private Sql() {}

    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    static final Binder NO_PARAMETERS = statement -> {};

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

    static int update(Connection connection, String sql, Binder binder) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            return statement.executeUpdate();
        }
    }

    static <T> List<T> list(Connection connection, String sql, Binder binder, RowMapper<T> mapper) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            try (ResultSet rows = statement.executeQuery()) {
                List<T> result = new ArrayList<>();
                while (rows.next()) {
                    result.add(map(rows, mapper));
                }
                return List.copyOf(result);
            }
        }
    }

    static <T> Optional<T> first(Connection connection, String sql, Binder binder, RowMapper<T> mapper)
            throws SQLException {
        return list(connection, sql, binder, mapper).stream().findFirst();
    }

    static long singleLong(Connection connection, String sql) throws SQLException {
        return first(connection, sql, NO_PARAMETERS, row -> row.getLong(1)).orElseThrow();
    }

    static String text(Instant instant) {
        return instant.toString();
    }

    static Instant instant(String text) {
        return Instant.parse(text);
    }

    /**
     * A row the domain records reject (hand-edited, or written by a newer Apollo) is a storage
     * problem, not the caller's invalid input, so it surfaces as an SQLException.
     */
    private static <T> T map(ResultSet row, RowMapper<T> mapper) throws SQLException {
        try {
            return mapper.map(row);
        } catch (RuntimeException e) {
            throw new SQLException("a stored row cannot be read: " + e.getMessage(), e);
        }
    }
}
