package dev.apollo.core.port;

import dev.apollo.core.config.SecretInfo;
import dev.apollo.core.config.VariableName;
import dev.apollo.core.model.Environment;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.Event;
import dev.apollo.core.model.External;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.Route;
import dev.apollo.core.model.RoutePath;
import dev.apollo.core.model.ServiceName;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;

/**
 * The desired state of the platform and its history: environments, releases, events. Every write
 * is one transaction, so a crash leaves either all of a change or none of it.
 */
public interface Store extends AutoCloseable {

    List<Environment> environments();

    Optional<Environment> environment(EnvironmentName name);

    /** Creates an environment; {@code production} exists from the first start. */
    void createEnvironment(Environment environment);

    /** Deletes an environment that has no active release. */
    void deleteEnvironment(EnvironmentName name);

    /** The next release id, never handed out twice (not even after a crash). */
    ReleaseId nextReleaseId();

    Optional<Release> release(ReleaseId id);

    /** Every release of a service in an environment, newest first. */
    List<Release> history(EnvironmentName environment, ServiceName service);

    /**
     * Releases whose instances the platform keeps running (those in an {@linkplain
     * dev.apollo.core.model.ReleaseState#active() active} state: deploying, live, previous, testbed), oldest first.
     */
    List<Release> activeReleases();

    /**
     * The newest release of each service in each environment, whatever its state, oldest first: how
     * a service whose releases all ended (a first deploy that failed) is still listed. A store that
     * cannot tell answers its active releases, which lists every service that runs.
     */
    default List<Release> latestReleases() {
        return activeReleases();
    }

    /**
     * Writes releases (inserted or replaced by id) and appends events, all in one transaction.
     *
     * @return the events as stored, with their ids
     */
    List<Event> commit(List<Release> releases, List<Event> events);

    /** Events with an id above {@code afterId}, oldest first, at most {@code limit}. */
    List<Event> eventsAfter(long afterId, int limit);

    /** Every event about one release that is still kept, oldest first. */
    List<Event> eventsOf(ReleaseId release);

    /** The id of the newest event, or 0 when there is none. */
    long lastEventId();

    /** Every web path rule, by environment then longest path first. */
    List<Route> routes();

    /** Adds a path rule, or points an existing path of that environment at another service. */
    void putRoute(Route route);

    /** Removes a path rule; false when the environment had no rule for that path. */
    boolean removeRoute(EnvironmentName environment, RoutePath path);

    /** Every 3rd-party service, by environment then name. */
    List<External> externals();

    /** Adds an external, or points an existing one of that environment at another URL. */
    void putExternal(External external);

    /** Removes an external; false when the environment had none of that name. */
    boolean removeExternal(EnvironmentName environment, ServiceName name);

    /** A service's configuration in an environment: the variables every new release of it gets. */
    SortedMap<VariableName, String> configuration(EnvironmentName environment, ServiceName service);

    /**
     * Sets and unsets variables of a service's configuration in one transaction.
     *
     * @throws dev.apollo.core.ApolloException.NotFound when the environment does not exist
     */
    void changeConfiguration(EnvironmentName environment, ServiceName service, Map<VariableName, String> set,
            Set<VariableName> unset);

    /** A service's current secrets in an environment, by name: never their values. */
    List<SecretInfo> secrets(EnvironmentName environment, ServiceName service);

    /**
     * Stores a new version of a secret, sealed by the caller (the store never sees a value in clear),
     * numbered one past every earlier version of that name, removed ones included.
     *
     * @throws dev.apollo.core.ApolloException.NotFound when the environment does not exist
     */
    SecretInfo putSecret(EnvironmentName environment, ServiceName service, VariableName name, byte[] sealed, Instant at);

    /**
     * Takes a secret out of the service's current secrets; false when it had none of that name. Its
     * versions stay readable: a release that was given one can still start instances with it.
     */
    boolean removeSecret(EnvironmentName environment, ServiceName service, VariableName name);

    /** One version of a secret, as sealed; kept as long as the environment exists. */
    Optional<byte[]> sealedSecret(EnvironmentName environment, ServiceName service, VariableName name, int version);

    @Override
    void close();
}
