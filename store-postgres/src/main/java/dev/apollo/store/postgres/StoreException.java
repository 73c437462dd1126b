package dev.apollo.store.postgres;

import dev.apollo.core.ApolloException;

/** The database could not do what was asked: unreachable past the retry deadline, refused, or newer than this code. */
public class StoreException extends ApolloException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
