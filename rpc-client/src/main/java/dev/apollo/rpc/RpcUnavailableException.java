package dev.apollo.rpc;

/**
 * The call did not reach the service: the connection was refused or could not be made within the connect timeout,
 * or the gateway had nobody to give it to (HTTP 503). The method did not run, so retrying is safe.
 */
public class RpcUnavailableException extends RpcException {
    public RpcUnavailableException(String message, int status, String type, String remoteMessage, Throwable cause) {
        super(message, status, type, remoteMessage, cause);
    }
}
