package dev.apollo.store.postgres;

import dev.apollo.store.jdbc.Jdbc;
import dev.apollo.store.jdbc.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Brings the schema up to date at start: script {@code n} of {@link #SCRIPTS} takes the database
 * from version {@code n - 1} to {@code n}, recorded in {@code apollo_schema} in the same
 * transaction (PostgreSQL's DDL is transactional), so a crash leaves one version or the next.
 * Control planes starting together on one database migrate one at a time (an advisory lock), and
 * each re-reads the version under it. Scripts are only ever appended: a released one is never edited.
 */
final class Migrations {
    static final List<String> SCRIPTS = List.of("V1__init.sql", "V2__leadership.sql", "V3__cluster.sql");
    private static final long MIGRATION_LOCK = 0x41706f6c6c6f02L;

    private Migrations() {}

    static int latestVersion() {
        return SCRIPTS.size();
    }

    static void apply(Connection connection, String where) throws SQLException {
        connection.setAutoCommit(false);
        try {
            Jdbc.list(connection, "SELECT pg_advisory_xact_lock(?)", s -> s.setLong(1, MIGRATION_LOCK), row -> true);
            execute(connection, "CREATE TABLE IF NOT EXISTS apollo_schema ("
                    + " only_row integer PRIMARY KEY CHECK (only_row = 1), version integer NOT NULL)");
            execute(connection, "INSERT INTO apollo_schema (only_row, version) VALUES (1, 0) ON CONFLICT DO NOTHING");
            int current = version(connection);
            requireKnown(current, where);
            for (int target = current + 1; target <= SCRIPTS.size(); target++) {
                execute(connection, load(SCRIPTS.get(target - 1)));
                int reached = target;
                Jdbc.update(connection, "UPDATE apollo_schema SET version = ?", s -> s.setInt(1, reached));
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    static int version(Connection connection) throws SQLException {
        return (int) Jdbc.singleLong(connection, "SELECT version FROM apollo_schema", Jdbc.NO_PARAMETERS);
    }

    private static void requireKnown(int version, String where) {
        if (version > SCRIPTS.size()) {
            throw new StoreException("The database at " + where + " has schema version " + version
                    + ", but this Apollo knows versions up to " + SCRIPTS.size()
                    + ". It was written by a newer Apollo: run that version, or point this one at another database.");
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String load(String name) {
        String resource = "migrations/" + name;
        try (InputStream in = Migrations.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("migration " + resource + " is missing from the classpath; the build is broken.");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read migration " + resource, e);
        }
    }
}
