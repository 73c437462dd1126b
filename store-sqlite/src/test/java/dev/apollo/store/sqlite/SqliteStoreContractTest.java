package dev.apollo.store.sqlite;

import dev.apollo.core.port.Store;
import dev.apollo.testkit.StoreContract;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** The Store port's contract on a real SQLite file; what only SQLite has is in {@link SqliteStoreTest}. */
class SqliteStoreContractTest extends StoreContract {
    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("data/apollo.db");
    }

    @Override
    protected Store newStore(Clock clock) {
        return SqliteStore.open(file(), clock);
    }

    @Override
    protected Store reopen(Store store, Clock clock) {
        store.close();
        return SqliteStore.open(file(), clock);
    }
}
