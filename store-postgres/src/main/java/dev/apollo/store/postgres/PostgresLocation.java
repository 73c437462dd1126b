package dev.apollo.store.postgres;

import dev.apollo.core.ApolloException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where a PostgreSQL store is: {@code postgresql://HOST[:PORT]/DATABASE?user=USER[&sslmode=MODE]},
 * the form {@code apollo up --store} takes. It never holds a password: a URL is shown in logs,
 * status and process lists, so the password comes from the environment or a file.
 *
 * @param parameters connection settings passed to the driver as they are (only {@link #ALLOWED})
 */
public record PostgresLocation(String host, int port, String database, String user, Map<String, String> parameters) {
    public static final String SCHEME = "postgresql";
    public static final int DEFAULT_PORT = 5432;
    private static final Set<String> ALLOWED = Set.of("sslmode", "sslrootcert", "connectTimeout");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.$-]{1,63}");
    private static final String EXAMPLE = "postgresql://HOST:PORT/DATABASE?user=USER (e.g. postgresql://db.internal:5432/apollo?user=apollo)";

    public PostgresLocation {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        parameters = Map.copyOf(parameters);
    }

    /** Reads a store URL, refusing anything it cannot connect with or that carries a password. */
    public static PostgresLocation parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw invalid(url, "it is not a URL (" + e.getReason() + ")");
        }
        if (!SCHEME.equals(uri.getScheme())) {
            throw invalid(url, "the scheme must be " + SCHEME + "://");
        }
        if (uri.getRawUserInfo() != null) {
            throw invalid(url, "put no user or password before the host; give the user as ?user=USER and the password"
                    + " in APOLLO_STORE_PASSWORD or a file (--store-password-file), never on the command line");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw invalid(url, "no host");
        }
        int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
        if (port < 1 || port > 65535) {
            throw invalid(url, "port " + port + " (expected: 1..65535)");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        String database = path.startsWith("/") ? path.substring(1) : path;
        if (!NAME.matcher(database).matches()) {
            throw invalid(url, database.isEmpty() ? "no database name after the host" : "database name '" + database
                    + "' (expected: letters, digits, _ . $ -, at most 63)");
        }
        Map<String, String> query = query(url, uri.getRawQuery());
        if (query.containsKey("password")) {
            throw invalid(url, "a password never goes in the URL, which shows in process lists and logs: set"
                    + " APOLLO_STORE_PASSWORD or use --store-password-file");
        }
        String user = query.remove("user");
        if (user == null || user.isEmpty()) {
            throw invalid(url, "no user: add ?user=USER");
        }
        for (String key : query.keySet()) {
            if (!ALLOWED.contains(key)) {
                throw invalid(url, "unknown parameter '" + key + "' (known: user, " + String.join(", ", ALLOWED.stream().sorted().toList()) + ")");
            }
        }
        return new PostgresLocation(uri.getHost(), port, database, user, query);
    }

    /** The URL as given back to people: never with a password, since it never has one. */
    public String url() {
        StringBuilder url = new StringBuilder(SCHEME + "://" + host + ":" + port + "/" + database + "?user=" + user);
        parameters.forEach((key, value) -> url.append('&').append(key).append('=').append(value));
        return url.toString();
    }

    String jdbcUrl() {
        return "jdbc:postgresql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return url();
    }

    private static Map<String, String> query(String url, String raw) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return parameters;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw invalid(url, "parameter '" + pair + "' (expected: KEY=VALUE)");
            }
            String key = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
            if (parameters.put(key, URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8)) != null) {
                throw invalid(url, "parameter '" + key + "' is given twice");
            }
        }
        return parameters;
    }

    private static ApolloException.Invalid invalid(String url, String what) {
        return new ApolloException.Invalid("store '" + url + "': " + what + ". Expected " + EXAMPLE + ".");
    }
}
