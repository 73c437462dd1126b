package dev.apollo.core.deploy;

import dev.apollo.core.model.Release;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment every instance of a release is given, besides {@code PORT} and
 * {@code APOLLO_INSTANCE_ID}, which the scheduler assigns per instance.
 */
public final class InstanceVariables {
    private InstanceVariables() {}

    public static Map<String, String> of(Release release, URI rpcGateway) {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("APOLLO_ENV", release.environment().value());
        variables.put("APOLLO_SERVICE", release.service().value());
        variables.put("APOLLO_VERSION", release.version().value());
        variables.put("RPC_INT", RpcAddress.forEnvironment(rpcGateway, release.environment()));
        return Map.copyOf(variables);
    }
}
