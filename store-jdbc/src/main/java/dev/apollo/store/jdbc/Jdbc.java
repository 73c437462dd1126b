package dev.apollo.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The little JDBC the row classes of both stores share, so that each of them is only its SQL and its
 * mapping. What differs between the stores (transactions, retries, fencing) stays in each store's own
 * helper ({@code Sql}, {@code Db}).
 */
public final class Jdbc {
    private Jdbc() {}

    /** Sets a statement's parameters. */
    @FunctionalInterface
    public interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    /** Reads one row into a value. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    public static final Binder NO_PARAMETERS = statement -> {};

    public static int update(Connection connection, String sql, Binder binder) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            return statement.executeUpdate();
        }
    }

    public static <T> List<T> list(Connection connection, String sql, Binder binder, RowMapper<T> mapper) throws SQLException {
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

    public static <T> Optional<T> first(Connection connection, String sql, Binder binder, RowMapper<T> mapper)
            throws SQLException {
        return list(connection, sql, binder, mapper).stream().findFirst();
    }

    public static long singleLong(Connection connection, String sql, Binder binder) throws SQLException {
        return first(connection, sql, binder, row -> row.getLong(1)).orElseThrow();
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
