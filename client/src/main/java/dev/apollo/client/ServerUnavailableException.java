package dev.apollo.client;

import java.net.URI;

/** Nothing answers at the control plane's address: it is not running, or runs elsewhere. */
public final class ServerUnavailableException extends ApolloClientException {
    private final URI url;

    public ServerUnavailableException(URI url, Throwable cause) {
        super("The Apollo control plane is not running at " + url + ". Start it with: apollo up --detach", cause);
        this.url = url;
    }

    public URI url() {
        return url;
    }
}
