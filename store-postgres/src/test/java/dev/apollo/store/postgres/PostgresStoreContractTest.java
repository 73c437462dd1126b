package dev.apollo.store.postgres;

import dev.apollo.core.port.Store;
import dev.apollo.testkit.PostgresCluster;
import dev.apollo.testkit.StoreContract;
import java.time.Clock;
import java.time.Duration;

/**
 * The Store port's contract on a real PostgreSQL (the JVM's throwaway cluster), each test on a
 * database of its own; what only PostgreSQL has is in {@link PostgresStoreTest}.
 */
class PostgresStoreContractTest extends StoreContract {
    static final PostgresStore.Options OPTIONS = PostgresStore.Options.defaults().withRetryFor(Duration.ofSeconds(10));

    private PostgresLocation location;

    @Override
    protected Store newStore(Clock clock) {
        PostgresCluster cluster = PostgresCluster.shared();
        location = PostgresLocation.parse(cluster.url(cluster.createDatabase()));
        return PostgresStore.open(location, PostgresCluster.PASSWORD, clock, OPTIONS);
    }

    @Override
    protected Store reopen(Store store, Clock clock) {
        store.close();
        return PostgresStore.open(location, PostgresCluster.PASSWORD, clock, OPTIONS);
    }
}
