package dev.apollo.core.deploy;

import dev.apollo.core.model.EnvironmentName;
import java.net.URI;

/**
 * The RPC_INT an instance is given: the RPC gateway, with the environment in the path for any
 * environment but production, so that calls made through it stay in the caller's environment
 * on a machine without DNS for {@code E.rpc.int}.
 */
public final class RpcAddress {
    private RpcAddress() {}

    public static String forEnvironment(URI gateway, EnvironmentName environment) {
        String base = gateway.toString().replaceAll("/+$", "");
        return environment.equals(EnvironmentName.PRODUCTION) ? base : base + "/_env/" + environment;
    }
}
