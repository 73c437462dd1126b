package dev.apollo.client;

/** The root of everything this client throws; its message is a whole sentence meant for a person. */
public class ApolloClientException extends RuntimeException {
    public ApolloClientException(String message) {
        super(message);
    }

    public ApolloClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
