package dev.apollo.routing;

/** One instance address, parsed once per table so that routing never parses strings. */
public record Backend(String instance, String host, int port, String address) {

    public static Backend parse(String instance, String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new GatewayException("backend address '" + address + "' of instance " + instance
                    + ": expected HOST:PORT");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new GatewayException("backend address '" + address + "' of instance " + instance
                    + ": port is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new GatewayException("backend address '" + address + "': port " + port + " (expected: 1..65535)");
        }
        return new Backend(instance, host, port, address);
    }
}
