package dev.apollo.client;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the control plane listens and the bearer token that lets us in.
 *
 * @param url the control plane to ask first
 * @param token the bearer token, or null when none was found (requests then go without one)
 * @param tokenSource where the token came from, or where it was looked for: named in the error a 401 becomes
 * @param fallbacks the control planes to ask, in order, when {@code url} cannot be reached (refused, no connection
 *     within the timeout): the others of a cluster, given as {@code --server A,B,C}
 */
public record Connection(URI url, String token, String tokenSource, List<URI> fallbacks) {
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
        fallbacks = fallbacks == null ? List.of() : fallbacks.stream().filter(u -> !u.equals(url)).distinct().toList();
    }

    public Connection(URI url, String token, String tokenSource) {
        this(url, token, tokenSource, List.of());
    }

    public Connection(URI url, String token) {
        this(url, token, null);
    }

    public Optional<String> bearerToken() {
        return Optional.ofNullable(token);
    }

    /** Every address, in the order they are tried: {@link #url()}, then the fallbacks. */
    public List<URI> urls() {
        List<URI> all = new ArrayList<>();
        all.add(url);
        all.addAll(fallbacks);
        return List.copyOf(all);
    }

    /** The same connection, now first to {@code answered} (one of {@link #urls()}): it answered when the first did not. */
    Connection answeredAt(URI answered) {
        List<URI> rest = new ArrayList<>(urls());
        rest.remove(answered);
        return new Connection(answered, token, tokenSource, rest);
    }

    /**
     * Resolves the address: the --server flag, then APOLLO_SERVER (either a URL, or several separated by commas:
     * the first that can be reached is used), then the url in {@code <home>/server.json}, else {@link #DEFAULT_URL};
     * and the token: APOLLO_TOKEN, else {@code <home>/token}, else none.
     */
    public static Connection discover(Path home, Map<String, String> env, Optional<String> serverFlag) {
        List<URI> urls = serverFlag.filter(s -> !s.isBlank()).map(s -> parseUrls(s, "--server"))
                .or(() -> Optional.ofNullable(env.get(SERVER_ENV)).filter(s -> !s.isBlank()).map(s -> parseUrls(s, SERVER_ENV)))
                .or(() -> ServerFile.read(home).map(file -> List.of(file.url())))
                .orElse(List.of(DEFAULT_URL));
        URI url = urls.getFirst();
        List<URI> fallbacks = urls.subList(1, urls.size());
        String envToken = env.get(TOKEN_ENV);
        if (envToken != null && !envToken.isBlank()) {
            return new Connection(url, envToken.strip(), TOKEN_ENV, fallbacks);
        }
        Path tokenFile = home.resolve(TOKEN_FILE);
        return new Connection(url, readToken(tokenFile).orElse(null), tokenFile.toString(), fallbacks);
    }

    /** One address, or several separated by commas ({@code http://10.0.0.1:7700,10.0.0.2:7700}), each as {@link #parseUrl}. */
    public static List<URI> parseUrls(String text, String from) {
        List<URI> urls = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            if (part.isBlank()) {
                throw new ApolloClientException(from + " '" + text + "' has an empty address between commas (expected one URL,"
                        + " or several separated by commas, like http://10.0.0.1:7700,http://10.0.0.2:7700).");
            }
            urls.add(parseUrl(part, from));
        }
        return List.copyOf(urls);
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
