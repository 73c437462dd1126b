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
    public External {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
        if (url == null || !url.isAbsolute() || url.getHost() == null
                || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
                || url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new ApolloException.Invalid("external URL '" + url + "': expected an absolute http:// or https:// URL"
                    + " without query or fragment (e.g. https://api.example.com/v2).");
        }
    }

    public static URI parseUrl(String text) {
        try {
            return new URI(text);
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new ApolloException.Invalid("external URL '" + text + "': not a URL (e.g. https://api.example.com/v2).");
        }
    }
}
