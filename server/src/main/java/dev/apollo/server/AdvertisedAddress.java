package dev.apollo.server;

import dev.apollo.core.ApolloException;
import java.util.OptionalInt;

/**
 * Where the other control planes of a shared store, their CLIs and gateways reach this one
 * ({@code --advertise HOST[:PORT]}): what its leadership row, {@code X-Apollo-Leader} and the peers
 * of every gateway name. Needed when the API listens on a wildcard address ({@code 0.0.0.0}), which
 * names no host, or behind an address translation. Without a port it is the port the API is bound
 * to, the one {@code --listen HOST:0} picks at start.
 */
record AdvertisedAddress(String host, OptionalInt port) {

    /** {@code HOST}, {@code HOST:PORT}, {@code [IPV6]} or {@code [IPV6]:PORT}; a wildcard host is refused. */
    static AdvertisedAddress parse(String value) {
        if (value.contains("://")) {
            throw invalid(value, "expected HOST or HOST:PORT, not a URL (the scheme is always http), as 10.0.0.5:7700");
        }
        String host;
        String port = null;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0 || (close + 1 < value.length() && value.charAt(close + 1) != ':')) {
                throw invalid(value, "an IPv6 address goes in brackets, as [2001:db8::1] or [2001:db8::1]:7700");
            }
            host = value.substring(1, close);
            port = close + 1 < value.length() ? value.substring(close + 2) : null;
        } else {
            int colon = value.indexOf(':');
            if (colon >= 0 && value.indexOf(':', colon + 1) >= 0) {
                throw invalid(value, "an IPv6 address goes in brackets, as [2001:db8::1] or [2001:db8::1]:7700");
            }
            host = colon < 0 ? value : value.substring(0, colon);
            port = colon < 0 ? null : value.substring(colon + 1);
        }
        if (host.isBlank() || host.contains("/") || host.contains(" ")) {
            throw invalid(value, "expected HOST or HOST:PORT, a name or address the other control planes reach, as 10.0.0.5:7700");
        }
        if (isWildcard(host)) {
            throw invalid(value, host + " names no host: give this host's address, as 10.0.0.5");
        }
        if (port == null) {
            return new AdvertisedAddress(host, OptionalInt.empty());
        }
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw invalid(value, "port '" + port + "' is not a number (expected 1..65535)");
        }
        if (number < 1 || number > 65535) {
            throw invalid(value, "port " + number + " (expected 1..65535)");
        }
        return new AdvertisedAddress(host, OptionalInt.of(number));
    }

    /** The API's URL at this address; {@code boundPort} where no port was given. */
    String url(int boundPort) {
        String name = host.contains(":") ? "[" + host + "]" : host;
        return "http://" + name + ":" + port.orElse(boundPort);
    }

    /** An address that means "every interface" when listening, and no host when told to others. */
    static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.equals("0:0:0:0:0:0:0:0");
    }

    private static ApolloException invalid(String value, String why) {
        return new ApolloException.Invalid("--advertise '" + value + "': " + why + ".");
    }
}
