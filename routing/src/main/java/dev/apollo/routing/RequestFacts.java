package dev.apollo.routing;

/**
 * What routing looks at in a request, taken from it without parsing; absent values are "".
 *
 * @param host the Host header, with or without port
 * @param path the path, without query
 * @param envHeader {@code X-Apollo-Env}
 * @param testbedHeader {@code X-Apollo-Testbed}
 * @param cookieHeader the raw {@code Cookie} header, parsed only when a testbed makes it matter
 */
public record RequestFacts(String host, String path, String envHeader, String testbedHeader, String cookieHeader) {
    public RequestFacts {
        host = orEmpty(host);
        path = path == null || path.isEmpty() ? "/" : path;
        envHeader = orEmpty(envHeader);
        testbedHeader = orEmpty(testbedHeader);
        cookieHeader = orEmpty(cookieHeader);
    }

    public static RequestFacts of(String host, String path) {
        return new RequestFacts(host, path, "", "", "");
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
