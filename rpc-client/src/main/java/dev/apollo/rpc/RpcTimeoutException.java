package dev.apollo.rpc;

/**
 * The call got no answer within its call timeout ({@code RpcClientBuilder.withCallTimeout}), or the gateway gave up
 * waiting for the service (HTTP 504). The method may still have run, or may still be running, on the other side.
 */
public class RpcTimeoutException extends RpcException {
    public RpcTimeoutException(String message, int status, String type, String remoteMessage, Throwable cause) {
        super(message, status, type, remoteMessage, cause);
    }
}
