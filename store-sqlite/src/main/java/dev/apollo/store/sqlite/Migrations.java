package dev.apollo.store.sqlite;

import dev.apollo.store.jdbc.Jdbc;
import dev.apollo.store.jdbc.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Brings the schema up to date: script {@code n} of {@link #SCRIPTS} takes the database from
 * version {@code n - 1} to {@code n}, recorded in {@code PRAGMA user_version} in the same
 * transaction, so a crash leaves the database at one version or the next, never between.
 * Scripts are only ever appended: a released script is never edited.
 */
final class Migrations {
    private static final List<String> SCRIPTS = List.of("V1__init.sql", "V2__routes.sql", "V3__externals.sql",
            "V4__configuration.sql", "V5__event_instances.sql", "V6__probes.sql");

    private Migrations() {}

    static int latestVersion() {
        return SCRIPTS.size();
    }

    static void apply(Connection connection, Path file) throws SQLException {
        for (int version = 1; version <= SCRIPTS.size(); version++) {
            int target = version;
            String script = load(SCRIPTS.get(target - 1));
            // The version is re-read inside the transaction: another process may be migrating the same file.
            Sql.inTransaction(connection, c -> {
                int current = userVersion(c);
                requireKnown(current, file);
                if (current == target - 1) {
                    // sqlite-jdbc runs every statement of a multi-statement executeUpdate (sqlite3_exec).
                    Sql.execute(c, script);
                    Sql.execute(c, "PRAGMA user_version = " + target);
                }
                return null;
            });
        }
        requireKnown(userVersion(connection), file);
    }

    static int userVersion(Connection connection) throws SQLException {
        return (int) Jdbc.singleLong(connection, "PRAGMA user_version", Jdbc.NO_PARAMETERS);
    }

    private static void requireKnown(int version, Path file) {
        if (version > SCRIPTS.size()) {
            throw new StoreException("The database " + file + " has schema version " + version
                    + ", but this Apollo knows versions up to " + SCRIPTS.size()
                    + ". It was written by a newer Apollo: run that version, or point this one at another data directory.");
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
