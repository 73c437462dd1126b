package dev.apollo.server.control;

import dev.apollo.core.ApolloException;
import dev.apollo.core.config.RunSettings;
import dev.apollo.core.config.SecretInfo;
import dev.apollo.core.config.VariableName;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.Event;
import dev.apollo.core.model.EventType;
import dev.apollo.core.model.ServiceName;
import dev.apollo.server.secrets.SecretVault;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A service's configuration and secrets per environment: what its next release gets. Nothing here
 * touches running instances; {@code apollo restart} rolls the live release onto the change. Runs on
 * the controller thread, so the events it writes stay in order with the rest.
 */
final class ConfigurationCommands {
    private final DesiredState desired;
    private final SecretVault vault;
    private final Clock clock;

    ConfigurationCommands(DesiredState desired, SecretVault vault, Clock clock) {
        this.desired = desired;
        this.vault = vault;
        this.clock = clock;
    }

    void change(EnvironmentName environment, ServiceName service, Map<VariableName, String> set, Set<VariableName> unset) {
        desired.requireEnvironment(environment);
        if (set.isEmpty() && unset.isEmpty()) {
            throw new ApolloException.Invalid("nothing to change: give KEY=VALUE to set, or KEY to unset.");
        }
        List<VariableName> both = set.keySet().stream().filter(unset::contains).toList();
        if (!both.isEmpty()) {
            throw new ApolloException.Invalid(both + " both set and unset in one change; do one or the other.");
        }
        // The values are checked as a release would check them, before anything is written.
        RunSettings.of(set, Map.of(), List.of(), List.of(), Map.of());
        desired.store().changeConfiguration(environment, service, set, unset);
        List<String> parts = new ArrayList<>();
        if (!set.isEmpty()) {
            parts.add("set " + String.join(", ", set.keySet().stream().map(VariableName::value).sorted().toList()));
        }
        if (!unset.isEmpty()) {
            parts.add("unset " + String.join(", ", unset.stream().map(VariableName::value).sorted().toList()));
        }
        announce(environment, service, "configuration of " + service + " in " + environment + ": " + String.join("; ", parts)
                + "; the next release gets it (apollo restart " + service + " -e " + environment + ")");
    }

    SecretInfo setSecret(EnvironmentName environment, ServiceName service, VariableName name, String value) {
        desired.requireEnvironment(environment);
        SecretInfo stored = vault.set(environment, service, name, value, clock.instant());
        announce(environment, service, "secret " + name + " of " + service + " in " + environment + " set (v"
                + stored.version() + "); the next release gets it (apollo restart " + service + " -e " + environment + ")");
        return stored;
    }

    void removeSecret(EnvironmentName environment, ServiceName service, VariableName name) {
        desired.requireEnvironment(environment);
        if (!desired.store().removeSecret(environment, service, name)) {
            throw new ApolloException.NotFound(service + " has no secret " + name + " in " + environment
                    + " (see: apollo secret list " + service + " -e " + environment + ").");
        }
        announce(environment, service, "secret " + name + " of " + service + " in " + environment
                + " removed; releases that have it keep it until they are replaced");
    }

    /** The stored configuration and the current secrets (names and versions only). */
    ServiceConfiguration of(EnvironmentName environment, ServiceName service) {
        desired.requireEnvironment(environment);
        return new ServiceConfiguration(new TreeMap<>(desired.store().configuration(environment, service)),
                desired.store().secrets(environment, service));
    }

    private void announce(EnvironmentName environment, ServiceName service, String message) {
        desired.emitNow(Event.about(clock.instant(), EventType.CONFIGURATION_CHANGED, environment, Optional.of(service),
                message));
    }
}
