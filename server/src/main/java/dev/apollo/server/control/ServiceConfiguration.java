package dev.apollo.server.control;

import dev.apollo.core.config.SecretInfo;
import dev.apollo.core.config.VariableName;
import java.util.List;
import java.util.SortedMap;

/** What a service is configured with in an environment; secrets by name and version only. */
public record ServiceConfiguration(SortedMap<VariableName, String> variables, List<SecretInfo> secrets) {
    public ServiceConfiguration {
        variables = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(variables));
        secrets = List.copyOf(secrets);
    }
}
