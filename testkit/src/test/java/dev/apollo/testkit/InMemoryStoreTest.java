package dev.apollo.testkit;

import dev.apollo.core.port.Store;
import java.time.Clock;

class InMemoryStoreTest extends StoreContract {
    @Override
    protected Store newStore(Clock clock) {
        return new InMemoryStore(clock);
    }

    /** Its data lives as long as the instance does, so a restart goes on with the same one. */
    @Override
    protected Store reopen(Store store, Clock clock) {
        return store;
    }
}
