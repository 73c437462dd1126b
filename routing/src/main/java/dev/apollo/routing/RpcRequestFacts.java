package dev.apollo.routing;

/**
 * What RPC routing looks at in a request, taken from it without parsing; absent values are "".
 *
 * @param host the Host header, with or without port
 * @param path the raw path, without query
 * @param query the raw query, without '?'
 * @param envHeader {@code X-Apollo-Env}
 * @param baggage the W3C {@code baggage} header(s), joined with ','
 */
public record RpcRequestFacts(String host, String path, String query, String envHeader, String baggage) {
    public RpcRequestFacts {
        host = orEmpty(host);
        path = path == null || path.isEmpty() ? "/" : path;
        query = orEmpty(query);
        envHeader = orEmpty(envHeader);
        baggage = orEmpty(baggage);
    }

    public static RpcRequestFacts of(String host, String path) {
        return new RpcRequestFacts(host, path, "", "", "");
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
