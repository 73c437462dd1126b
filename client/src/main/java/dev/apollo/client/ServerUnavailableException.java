package dev.apollo.client;

import java.net.URI;
import java.util.List;

/** Nothing answers at the control plane's address: it is not running, or runs elsewhere. */
public final class ServerUnavailableException extends ApolloClientException {
    private final URI url;

    public ServerUnavailableException(URI url, Throwable cause) {
        super("The Apollo control plane is not running at " + url + ". Start it with: apollo up --detach", cause);
        this.url = url;
    }

    /** None of several addresses could be reached; {@code said} names each and what became of it. */
    public ServerUnavailableException(List<URI> urls, List<String> said, Throwable cause) {
        super("No Apollo control plane answers at any of the " + urls.size() + " addresses given: " + String.join(", ", said)
                + ". Start one with: apollo up --detach (or check the addresses in --server or " + Connection.SERVER_ENV + ")",
                cause);
        this.url = urls.getFirst();
    }

    /** The address asked first. */
    public URI url() {
        return url;
    }
}
