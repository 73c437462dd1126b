package dev.apollo.core.deploy;

import dev.apollo.core.ApolloException;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseState;
import java.util.List;
import java.util.Optional;

/**
 * What a rollback puts back. Within the rollback window the replaced release still runs, so a
 * rollback is a route switch to it; after the window it is a blue/green deploy of the newest
 * earlier release of another version.
 */
public sealed interface RollbackTarget {

    /** Switch traffic back to the release kept warm. */
    record Switch(Release previous) implements RollbackTarget {}

    /** Deploy this earlier release's artifact again, as a new release. */
    record Redeploy(Release earlier) implements RollbackTarget {}

    /**
     * @param warmHealthyInstances healthy instances of the PREVIOUS release, if there is one: a warm
     *     release with none is no better than a cold one
     * @param history every release of the service in the environment, newest first
     * @throws ApolloException.NotFound when there is nothing earlier to go back to
     */
    static RollbackTarget of(Release live, Optional<Release> previous, int warmHealthyInstances, List<Release> history) {
        if (previous.isPresent() && warmHealthyInstances > 0) {
            return new Switch(previous.get());
        }
        return history.stream()
                .filter(r -> r.id().compareTo(live.id()) < 0 && !r.version().equals(live.version())
                        && (r.state() == ReleaseState.REPLACED || r.state() == ReleaseState.PREVIOUS))
                .findFirst()
                .<RollbackTarget>map(Redeploy::new)
                .orElseThrow(() -> new ApolloException.NotFound(live.service() + " in " + live.environment()
                        + " has no earlier release to roll back to (see: apollo history " + live.service() + ")."));
    }
}
