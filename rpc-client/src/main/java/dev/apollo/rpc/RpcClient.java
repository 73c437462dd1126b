package dev.apollo.rpc;

/**
 * Calls another service through the platform's RPC gateway, by convention: a call of {@code sayHello("Ada")} on a
 * client of {@code rpc-service} is {@code POST <baseUrl>/rpc-service/sayHello} with body {@code ["Ada"]}, answered
 * with the result as JSON.
 *
 * <pre>{@code
 * HelloService hello = RpcClient.builderFor(HelloService.class)
 *         .withBaseUrl(System.getenv("RPC_INT"))
 *         .withPart("rpc-service")
 *         .build();
 * String greeting = hello.sayHello("Ada");
 * }</pre>
 *
 * A client is thread-safe and meant to be built once and shared. Each call carries the environment of
 * {@link RpcContext#current()}, and fails with an unchecked {@link RpcException} (or its subtypes
 * {@link RpcTimeoutException} and {@link RpcUnavailableException}) when it does not return a result.
 */
public final class RpcClient {
    private RpcClient() {}

    /** A builder of clients implementing {@code iface}, an interface whose abstract methods have distinct names. */
    public static <T> RpcClientBuilder<T> builderFor(Class<T> iface) {
        return new RpcClientBuilder<>(iface);
    }
}
