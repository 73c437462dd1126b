package dev.apollo.client;

/**
 * The control plane answered with an error status. {@code error} is the API's code (invalid,
 * not_found, conflict, unauthorized, ...) and the message is the server's own sentence.
 */
public final class ApiException extends ApolloClientException {
    private final int status;
    private final String error;

    public ApiException(int status, String error, String message) {
        super(message);
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public boolean isConflict() {
        return status == 409;
    }

    public boolean isNotFound() {
        return status == 404;
    }
}
