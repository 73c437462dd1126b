package dev.apollo.core.model;

import dev.apollo.core.ApolloException;

/** Where an instance listens. */
public record Address(String host, int port) {
    public Address {
        if (host == null || host.isBlank()) {
            throw new ApolloException.Invalid("address host is empty (expected a host name or IP).");
        }
        if (port < 1 || port > 65535) {
            throw new ApolloException.Invalid("address port " + port + " (expected: 1..65535)");
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
