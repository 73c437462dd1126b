package dev.apollo.store.jdbc;

import dev.apollo.core.ApolloException;

/**
 * The database could not do what was asked: unreadable, full, locked too long, unreachable past the
 * retry deadline, refused, or newer than this code.
 */
public final class StoreException extends ApolloException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
