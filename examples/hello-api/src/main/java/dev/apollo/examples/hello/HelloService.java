package dev.apollo.examples.hello;

/**
 * What rpc-service offers over RPC. On the wire: {@code POST <RPC_INT>/rpc-service/sayHello} with {@code ["Ada"]},
 * answered with a JSON string.
 */
public interface HelloService {
    /** A greeting that says which version of rpc-service answered, and in which environment. */
    String sayHello(String name);
}
