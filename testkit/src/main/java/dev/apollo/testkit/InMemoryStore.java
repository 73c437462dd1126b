package dev.apollo.testkit;

import static java.util.stream.Collectors.joining;

import dev.apollo.core.ApolloException;
import dev.apollo.core.config.SecretInfo;
import dev.apollo.core.config.VariableName;
import dev.apollo.core.model.Environment;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.EnvironmentRules;
import dev.apollo.core.model.Event;
import dev.apollo.core.model.External;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.Route;
import dev.apollo.core.model.RoutePath;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.port.Store;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The {@link Store} in memory, for tests of the control plane that need a store but no disk. It
 * passes {@link StoreContract}, so it keeps the same rules and refuses with the same errors as the
 * durable store: a test that passes with it is not fooled by a laxer fake.
 *
 * <p>One lock guards all of it, so every call sees a whole state; the values it holds and hands
 * out are immutable records. A commit checks everything before it writes anything, which is what
 * makes it all-or-nothing here. {@link #close()} keeps the data: going on with the same instance
 * is how a test restarts the control plane on the same store.
 */
public final class InMemoryStore implements Store {
    private final ReentrantLock lock = new ReentrantLock(); // not synchronized: callers may be virtual threads
    private final TreeMap<EnvironmentName, Environment> environments = new TreeMap<>();
    private final TreeMap<ReleaseId, Release> releases = new TreeMap<>();
    // Never pruned, so an event's id is its position in this list plus one.
    private final List<Event> events = new ArrayList<>();
    private final PerEnvironment<RoutePath, Route> routes = new PerEnvironment<>();
    private final PerEnvironment<ServiceName, External> externals = new PerEnvironment<>();
    private final Map<ServiceKey, TreeMap<VariableName, String>> configuration = new HashMap<>();
    private final Map<ServiceKey, TreeMap<VariableName, List<Secret>>> secrets = new HashMap<>();
    private long lastReleaseId;

    /** A service in an environment: what configuration and secrets belong to. */
    private record ServiceKey(EnvironmentName environment, ServiceName service) {}

    /** One version of a secret; {@code removed} once it is no longer current (its versions stay readable). */
    private record Secret(int version, byte[] sealed, Instant setAt, boolean removed) {}

    /** A store holding only {@code production}, created at {@code clock}'s time. */
    public InMemoryStore(Clock clock) {
        Environment production = new Environment(EnvironmentName.PRODUCTION, Optional.empty(), clock.instant());
        environments.put(production.name(), production);
    }

    @Override
    public List<Environment> environments() {
        return locked(() -> List.copyOf(environments.values()));
    }

    @Override
    public Optional<Environment> environment(EnvironmentName name) {
        Objects.requireNonNull(name, "name");
        return locked(() -> Optional.ofNullable(environments.get(name)));
    }

    @Override
    public void createEnvironment(Environment environment) {
        Objects.requireNonNull(environment, "environment");
        run(() -> {
            EnvironmentRules.requireCreatable(environment, environments.values());
            environments.put(environment.name(), environment);
        });
    }

    @Override
    public void deleteEnvironment(EnvironmentName name) {
        Objects.requireNonNull(name, "name");
        run(() -> {
            EnvironmentRules.requireDeletable(name, environments.values());
            EnvironmentRules.requireNoActiveRelease(name, activeIn(name));
            // As in the durable store: the environment's history, routes and externals go with it; events stay.
            environments.remove(name);
            releases.values().removeIf(r -> r.environment().equals(name));
            routes.drop(name);
            externals.drop(name);
            configuration.keySet().removeIf(key -> key.environment().equals(name));
            secrets.keySet().removeIf(key -> key.environment().equals(name));
        });
    }

    @Override
    public ReleaseId nextReleaseId() {
        return locked(() -> new ReleaseId(++lastReleaseId));
    }

    @Override
    public Optional<Release> release(ReleaseId id) {
        Objects.requireNonNull(id, "id");
        return locked(() -> Optional.ofNullable(releases.get(id)));
    }

    @Override
    public List<Release> history(EnvironmentName environment, ServiceName service) {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(service, "service");
        return locked(() -> releases.descendingMap().values().stream()
                .filter(r -> r.environment().equals(environment) && r.service().equals(service))
                .toList());
    }

    @Override
    public List<Release> activeReleases() {
        return locked(() -> releases.values().stream().filter(r -> r.state().active()).toList());
    }

    @Override
    public List<Release> latestReleases() {
        return locked(() -> {
            java.util.Map<String, Release> newest = new java.util.HashMap<>();
            releases.values().forEach(r -> newest.put(r.environment() + "/" + r.service(), r)); // ascending ids: last wins
            return newest.values().stream().sorted(java.util.Comparator.comparing(Release::id)).toList();
        });
    }

    @Override
    public List<Event> commit(List<Release> releasesToWrite, List<Event> eventsToAppend) {
        List<Release> writes = List.copyOf(releasesToWrite);
        List<Event> appends = List.copyOf(eventsToAppend);
        return locked(() -> {
            // Every check comes before the first write: that is all it takes to be all-or-nothing in memory.
            for (Release release : writes) {
                requireEnvironment(release.environment());
            }
            for (Release release : writes) {
                releases.put(release.id(), release);
                // An id the sequence did not hand out must not be handed out later.
                lastReleaseId = Math.max(lastReleaseId, release.id().value());
            }
            List<Event> stored = new ArrayList<>(appends.size());
            for (Event event : appends) {
                Event withId = event.withId(events.size() + 1L);
                events.add(withId);
                stored.add(withId);
            }
            return List.copyOf(stored);
        });
    }

    @Override
    public List<Event> eventsAfter(long afterId, int limit) {
        if (limit < 0) {
            throw new ApolloException.Invalid("event limit: " + limit + " (expected: >= 0)");
        }
        return locked(() -> {
            int from = Math.clamp(afterId, 0, events.size());
            int to = (int) Math.min(events.size(), (long) from + limit);
            return List.copyOf(events.subList(from, to));
        });
    }

    @Override
    public List<Event> eventsOf(ReleaseId release) {
        return locked(() -> events.stream().filter(e -> e.release().equals(Optional.of(release))).toList());
    }

    @Override
    public long lastEventId() {
        return locked(() -> (long) events.size());
    }

    // Routes and externals side by side: the same kind of table, one value per key in each environment.

    @Override
    public List<Route> routes() {
        return locked(routes::all);
    }

    @Override
    public List<External> externals() {
        return locked(externals::all);
    }

    @Override
    public void putRoute(Route route) {
        putIn(routes, route.environment(), route.path(), route);
    }

    @Override
    public void putExternal(External external) {
        putIn(externals, external.environment(), external.name(), external);
    }

    @Override
    public boolean removeRoute(EnvironmentName environment, RoutePath path) {
        return locked(() -> routes.remove(environment, path));
    }

    @Override
    public boolean removeExternal(EnvironmentName environment, ServiceName name) {
        return locked(() -> externals.remove(environment, name));
    }

    @Override
    public SortedMap<VariableName, String> configuration(EnvironmentName environment, ServiceName service) {
        return locked(() -> Collections.unmodifiableSortedMap(new TreeMap<>(
                configuration.getOrDefault(new ServiceKey(environment, service), new TreeMap<>()))));
    }

    @Override
    public void changeConfiguration(EnvironmentName environment, ServiceName service, Map<VariableName, String> set,
            Set<VariableName> unset) {
        run(() -> {
            requireEnvironment(environment);
            TreeMap<VariableName, String> variables = configuration.computeIfAbsent(new ServiceKey(environment, service),
                    key -> new TreeMap<>());
            variables.keySet().removeAll(unset);
            variables.putAll(set);
        });
    }

    @Override
    public List<SecretInfo> secrets(EnvironmentName environment, ServiceName service) {
        return locked(() -> secrets.getOrDefault(new ServiceKey(environment, service), new TreeMap<>()).entrySet().stream()
                .filter(e -> !e.getValue().getLast().removed())
                .map(e -> new SecretInfo(e.getKey(), e.getValue().getLast().version(), e.getValue().getLast().setAt()))
                .toList());
    }

    @Override
    public SecretInfo putSecret(EnvironmentName environment, ServiceName service, VariableName name, byte[] sealed,
            Instant at) {
        return locked(() -> {
            requireEnvironment(environment);
            List<Secret> versions = secrets.computeIfAbsent(new ServiceKey(environment, service), key -> new TreeMap<>())
                    .computeIfAbsent(name, key -> new ArrayList<>());
            int version = versions.isEmpty() ? 1 : versions.getLast().version() + 1;
            versions.add(new Secret(version, sealed.clone(), at, false));
            return new SecretInfo(name, version, at);
        });
    }

    @Override
    public boolean removeSecret(EnvironmentName environment, ServiceName service, VariableName name) {
        return locked(() -> {
            List<Secret> versions = secrets.getOrDefault(new ServiceKey(environment, service), new TreeMap<>()).get(name);
            if (versions == null || versions.getLast().removed()) {
                return false;
            }
            Secret last = versions.removeLast();
            versions.add(new Secret(last.version(), last.sealed(), last.setAt(), true));
            return true;
        });
    }

    @Override
    public Optional<byte[]> sealedSecret(EnvironmentName environment, ServiceName service, VariableName name, int version) {
        return locked(() -> secrets.getOrDefault(new ServiceKey(environment, service), new TreeMap<>())
                .getOrDefault(name, List.of()).stream()
                .filter(secret -> secret.version() == version)
                .findFirst()
                .map(secret -> secret.sealed().clone()));
    }

    /** Keeps the data; see the class comment. */
    @Override
    public void close() {}

    private <K extends Comparable<K>, V> void putIn(PerEnvironment<K, V> table, EnvironmentName environment, K key, V value) {
        run(() -> {
            requireEnvironment(environment);
            table.put(environment, key, value);
        });
    }

    private void requireEnvironment(EnvironmentName name) {
        EnvironmentRules.requireExists(name, environments.values());
    }

    private List<Release> activeIn(EnvironmentName environment) {
        return releases.values().stream().filter(r -> r.state().active() && r.environment().equals(environment)).toList();
    }

    private void run(Runnable work) {
        locked(() -> {
            work.run();
            return null;
        });
    }

    private <T> T locked(Supplier<T> work) {
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    /** One value per key in each environment, listed by environment then key. Guarded by the store's lock. */
    private static final class PerEnvironment<K extends Comparable<K>, V> {
        private final TreeMap<EnvironmentName, TreeMap<K, V>> byEnvironment = new TreeMap<>();

        List<V> all() {
            return byEnvironment.values().stream().flatMap(values -> values.values().stream()).toList();
        }

        void put(EnvironmentName environment, K key, V value) {
            byEnvironment.computeIfAbsent(environment, e -> new TreeMap<>()).put(key, value);
        }

        boolean remove(EnvironmentName environment, K key) {
            TreeMap<K, V> values = byEnvironment.get(environment);
            return values != null && values.remove(key) != null;
        }

        void drop(EnvironmentName environment) {
            byEnvironment.remove(environment);
        }
    }
}
