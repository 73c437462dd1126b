package dev.apollo.rpc;

import java.util.Objects;

/**
 * A remote call that did not return a result: the called method threw, the gateway refused the call, or the call
 * never got an answer. Unchecked, like a local exception, so service interfaces stay plain Java.
 *
 * <p>The message names the service, the method and the URL. {@link #type()} and {@link #remoteMessage()} are what
 * the other side said: for an exception thrown by the implementation, its simple class name and message (as answered
 * by {@link RpcServer}); for the gateway's own errors, its {@code error} code and message.
 */
public class RpcException extends RuntimeException {
    private final int status;
    private final String type;
    private final String remoteMessage;

    /**
     * @param message the whole sentence shown to a person
     * @param status the HTTP status of the answer, 0 when there was none
     * @param type what kind of error, e.g. {@code IllegalArgumentException}, {@code NoSuchMethod}, {@code bad_gateway}
     * @param remoteMessage what the other side said about it, "" when nothing
     * @param cause the local cause, or null
     */
    public RpcException(String message, int status, String type, String remoteMessage, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.type = Objects.requireNonNull(type, "type");
        this.remoteMessage = remoteMessage == null ? "" : remoteMessage;
    }

    /** The HTTP status of the answer, or 0 when there was no answer (timeout, connection failure). */
    public int status() {
        return status;
    }

    /**
     * What kind of error: the simple class name of the exception the remote implementation threw, one of
     * {@code NoSuchMethod}, {@code BadRequest}, {@code MethodNotAllowed} from {@link RpcServer}, the gateway's
     * {@code error} code, {@code Timeout}, {@code Unavailable}, or {@code HTTP <status>} when the answer said nothing.
     */
    public String type() {
        return type;
    }

    /** The message the other side sent with the error; "" when it sent none. */
    public String remoteMessage() {
        return remoteMessage;
    }
}
