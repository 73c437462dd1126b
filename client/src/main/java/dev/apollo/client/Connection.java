package dev.apollo.client;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the control plane listens and the bearer token that lets us in.
 *
 * @param token the bearer token, or null when none was found (requests then go without one)
 * @param tokenSource where the token came from, or where it was looked for: named in the error a 401 becomes
 */
public record Connection(URI url, String token, String tokenSource) {
    public static final URI DEFAULT_URL = URI.create("http://127.0.0.1:7700");
    public static final String SERVER_ENV = "APOLLO_SERVER";
    public static final String TOKEN_ENV = "APOLLO_TOKEN";
    public static final String TOKEN_FILE = "token";

    public Connection {
        Objects.requireNonNull(url, "url");
        if (token != null && token.isBlank()) {
            token = null;
        }
        if (tokenSource == null) {
            tokenSource = token == null ? "nowhere" : "the caller";
        }
    }

    public Connection(URI url, String token) {
        this(url, token, null);
    }

    public Optional<String> bearerToken() {
        return Optional.ofNullable(token);
    }

    /**
     * Resolves the address: the --server flag, then APOLLO_SERVER, then the url in
     * {@code <home>/server.json}, else {@link #DEFAULT_URL}; and the token: APOLLO_TOKEN, else
     * {@code <home>/token}, else none.
     */
    public static Connection discover(Path home, Map<String, String> env, Optional<String> serverFlag) {
        URI url = serverFlag.filter(s -> !s.isBlank()).map(s -> parseUrl(s, "--server"))
                .or(() -> Optional.ofNullable(env.get(SERVER_ENV)).filter(s -> !s.isBlank()).map(s -> parseUrl(s, SERVER_ENV)))
                .or(() -> ServerFile.read(home).map(ServerFile::url))
                .orElse(DEFAULT_URL);
        String envToken = env.get(TOKEN_ENV);
        if (envToken != null && !envToken.isBlank()) {
            return new Connection(url, envToken.strip(), TOKEN_ENV);
        }
        Path tokenFile = home.resolve(TOKEN_FILE);
        return new Connection(url, readToken(tokenFile).orElse(null), tokenFile.toString());
    }

    /** Accepts "http://host:port", "https://..." and the bare "host:port" people tend to type. */
    public static URI parseUrl(String text, String from) {
        String trimmed = text.strip();
        String withScheme = trimmed.contains("://") ? trimmed : "http://" + trimmed;
        try {
            URI uri = new URI(withScheme.endsWith("/") ? withScheme.substring(0, withScheme.length() - 1) : withScheme);
            boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            if (!http || uri.getHost() == null) {
                throw new URISyntaxException(text, "not an http(s) URL with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ApolloClientException(
                    from + " '" + text + "' is not a control plane address (expected a URL like http://127.0.0.1:7700).", e);
        }
    }

    private static Optional<String> readToken(Path file) {
        try {
            return Files.isReadable(file) ? Optional.of(Files.readString(file).strip()).filter(s -> !s.isEmpty()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
