package dev.apollo.core.model;

import dev.apollo.core.ApolloException;
import java.net.URI;
import java.time.Instant;
import java.util.Objects;

/**
 * A 3rd-party service reached through the RPC gateway as {@code <RPC_INT>/<name>/<path>}, with a
 * URL of its own in each environment, so instances never need the third party's address.
 */
public record External(EnvironmentName environment, ServiceName name, URI url, Instant createdAt) {
    /** The longest URL an external may have; browsers and proxies commonly stop near here too. */
    public static final int MAX_URL_CHARS = 2048;
    /** The longest host name DNS allows. */
    public static final int MAX_HOST_CHARS = 253;

    public External {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
        if (url != null && url.toString().length() > MAX_URL_CHARS) {
            throw new ApolloException.Invalid("external URL '" + clip(url.toString()) + "': " + url.toString().length()
                    + " characters (expected: at most " + MAX_URL_CHARS + ").");
        }
        if (url != null && url.getHost() != null && (url.getHost().length() > MAX_HOST_CHARS
                || java.util.Arrays.stream(url.getHost().split("\\.")).anyMatch(label -> label.length() > 63))) {
            throw new ApolloException.Invalid("external URL '" + clip(url.toString()) + "': host of " + url.getHost().length()
                    + " characters (expected: a DNS name of at most " + MAX_HOST_CHARS + " characters, each label at most 63).");
        }
        if (url == null || !url.isAbsolute() || url.getHost() == null
                || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
                || url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new ApolloException.Invalid("external URL '" + clip(String.valueOf(url)) + "': expected an absolute http:// or https:// URL"
                    + " without query or fragment (e.g. https://api.example.com/v2).");
        }
    }

    public static URI parseUrl(String text) {
        if (text != null && text.length() > MAX_URL_CHARS) {
            throw new ApolloException.Invalid("external URL '" + clip(text) + "': " + text.length()
                    + " characters (expected: at most " + MAX_URL_CHARS + ").");
        }
        try {
            return new URI(text);
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new ApolloException.Invalid("external URL '" + clip(text) + "': not a URL (e.g. https://api.example.com/v2).");
        }
    }

    private static String clip(String text) {
        return text == null || text.length() <= 100 ? text : text.substring(0, 100) + "...";
    }
}
