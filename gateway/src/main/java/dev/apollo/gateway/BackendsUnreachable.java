package dev.apollo.gateway;

import java.util.List;

/** No connection could be opened to any backend tried; the request surely reached none of them. */
final class BackendsUnreachable extends Exception {
    private final List<String> tried;

    BackendsUnreachable(List<String> tried, Throwable last) {
        super("could not connect to " + tried, last, false, false);
        this.tried = List.copyOf(tried);
    }

    List<String> tried() {
        return tried;
    }
}
