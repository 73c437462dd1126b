package dev.apollo.gateway;

import dev.apollo.routing.ExternalEndpoint;
/** No connection could be opened to an external (refused, unresolvable, TLS failure, or connect timeout). */
final class ExternalUnreachable extends Exception {
    ExternalUnreachable(ExternalEndpoint endpoint, Throwable cause) {
        super("could not connect to " + endpoint.url() + ": " + cause.getMessage(), cause, false, false);
    }
}
