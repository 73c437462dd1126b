package dev.apollo.examples.rpc;

import dev.apollo.examples.hello.HelloService;
import dev.apollo.rpc.RpcContext;
import dev.apollo.rpc.RpcServer;

/**
 * The talk's sample RPC service: {@link HelloService} served with {@link RpcServer}, so {@code sayHello} is
 * {@code POST /sayHello} with the arguments as a JSON array ({@code ["Ada"]}), answered with a JSON string, and
 * {@code GET /health/is_alive} answers the platform's health checks. Reads what the platform gives every instance:
 * PORT, APOLLO_VERSION, APOLLO_ENV.
 */
public final class RpcService implements HelloService {
    private final String version;
    private final String ownEnvironment;

    RpcService(String version, String ownEnvironment) {
        this.version = version;
        this.ownEnvironment = ownEnvironment;
    }

    @Override
    public String sayHello(String name) {
        if (name == null || name.isBlank()) {
            // Reaches the caller as an RpcException of type IllegalArgumentException, with this message.
            throw new IllegalArgumentException("name: '" + name + "' (expected: someone to greet)");
        }
        // The environment of the request, not ours: when stage1 has no rpc-service of its own, production's instance
        // answers stage1's calls, and says so.
        String environment = RpcContext.current().environment().orElse(ownEnvironment);
        return "Hello, " + name + "! (rpc-service " + version + " in " + environment + ")";
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(env("PORT", "8082"));
        String version = env("APOLLO_VERSION", "dev");
        RpcServer server = RpcServer.serve(port, HelloService.class, new RpcService(version, env("APOLLO_ENV", "production")));
        // SIGTERM: stop accepting, let in-flight calls finish (the platform drains before stopping us).
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println("rpc-service " + version + " listening on 127.0.0.1:" + server.port());
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
