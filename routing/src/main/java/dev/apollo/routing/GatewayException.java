package dev.apollo.routing;

/** Why the gateway could not start or could not accept a route table; messages say what to do. */
public class GatewayException extends RuntimeException {
    public GatewayException(String message) {
        super(message);
    }

    public GatewayException(String message, Throwable cause) {
        super(message, cause);
    }
}
