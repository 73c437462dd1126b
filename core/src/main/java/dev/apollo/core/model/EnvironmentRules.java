package dev.apollo.core.model;

import dev.apollo.core.ApolloException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What may be done to environments, worded once: every store enforces these rules inside its
 * transaction and the control plane checks them before it acts, so a refusal reads the same
 * whoever notices it first.
 */
public final class EnvironmentRules {
    private EnvironmentRules() {}

    /** Refuses a new environment whose name is taken or whose fallback is itself or does not exist. */
    public static void requireCreatable(Environment candidate, Collection<Environment> existing) {
        EnvironmentName name = candidate.name();
        Optional<EnvironmentName> fallback = candidate.fallback();
        if (fallback.isPresent() && fallback.get().equals(name)) {
            throw new ApolloException.Invalid("environment '" + name + "' cannot fall back to itself; choose another"
                    + " fallback, or none.");
        }
        if (find(name, existing).isPresent()) {
            throw new ApolloException.Conflict("environment '" + name + "' already exists (see: apollo env list).");
        }
        if (fallback.isPresent() && find(fallback.get(), existing).isEmpty()) {
            throw new ApolloException.NotFound("fallback environment '" + fallback.get() + "' does not exist (known: "
                    + names(existing) + "). Create it first, or choose another fallback.");
        }
    }

    /**
     * Refuses deleting production, an unknown environment, or one that others fall back to. Active
     * releases are checked apart ({@link #requireNoActiveRelease}): the control plane undeploys them
     * itself before it deletes, a store refuses them.
     */
    public static void requireDeletable(EnvironmentName name, Collection<Environment> existing) {
        if (name.equals(EnvironmentName.PRODUCTION)) {
            throw new ApolloException.Conflict("environment 'production' cannot be deleted: it always exists.");
        }
        requireExists(name, existing);
        List<String> dependents = existing.stream()
                .filter(e -> e.fallback().equals(Optional.of(name)))
                .map(e -> e.name().value())
                .sorted()
                .toList();
        if (!dependents.isEmpty()) {
            throw new ApolloException.Conflict("environment '" + name + "' is the fallback of " + String.join(", ", dependents)
                    + "; delete those environments first.");
        }
    }

    /** Refuses deleting an environment whose releases still run. */
    public static void requireNoActiveRelease(EnvironmentName name, Collection<Release> activeInIt) {
        if (!activeInIt.isEmpty()) {
            throw new ApolloException.Conflict("environment '" + name + "' has active releases: "
                    + activeInIt.stream().map(Release::describe).collect(Collectors.joining(", "))
                    + ". Undeploy them first (apollo undeploy SERVICE -e " + name + ").");
        }
    }

    /** Refuses an environment that does not exist, naming those that do and how to create it. */
    public static void requireExists(EnvironmentName name, Collection<Environment> existing) {
        if (find(name, existing).isEmpty()) {
            throw new ApolloException.NotFound("environment '" + name + "' does not exist (known: " + names(existing)
                    + "). Create it with: apollo env create " + name);
        }
    }

    private static Optional<Environment> find(EnvironmentName name, Collection<Environment> existing) {
        return existing.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    private static String names(Collection<Environment> existing) {
        return existing.stream().map(e -> e.name().value()).sorted().collect(Collectors.joining(", "));
    }
}
