package dev.apollo.server.control;

import dev.apollo.core.model.Environment;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.EnvironmentRules;
import dev.apollo.core.model.Event;
import dev.apollo.core.model.External;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ReleaseState;
import dev.apollo.core.model.Route;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.port.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The controller's copy of the desired state (active releases, environments, routes, externals),
 * read from the store once and re-read after every change the controller makes, and the events
 * waiting to be written. Touched only on the controller thread.
 */
final class DesiredState {
    private final Store store;
    private final EventBus events;
    private final List<Event> pending = new ArrayList<>();
    private List<Release> active = List.of();
    private List<Route> routes = List.of();
    private List<External> externals = List.of();
    private List<Environment> environments = List.of();

    DesiredState(Store store, EventBus events) {
        this.store = store;
        this.events = events;
    }

    void load() {
        active = store.activeReleases();
        routes = store.routes();
        externals = store.externals();
        environments = store.environments();
    }

    Store store() {
        return store;
    }

    List<Release> active() {
        return active;
    }

    List<Route> routes() {
        return routes;
    }

    List<External> externals() {
        return externals;
    }

    List<Environment> environments() {
        return environments;
    }

    void reloadTopology() {
        environments = store.environments();
        routes = store.routes();
        externals = store.externals();
    }

    Optional<Release> find(EnvironmentName environment, ServiceName service, ReleaseState state) {
        return active.stream()
                .filter(r -> r.environment().equals(environment) && r.service().equals(service) && r.state() == state)
                .findFirst();
    }

    List<Release> activeOf(EnvironmentName environment, ServiceName service) {
        return active.stream().filter(r -> r.environment().equals(environment) && r.service().equals(service)).toList();
    }

    boolean isActive(ReleaseId release) {
        return active.stream().anyMatch(r -> r.id().equals(release));
    }

    void requireEnvironment(EnvironmentName environment) {
        EnvironmentRules.requireExists(environment, environments);
    }

    /** Queues an event, written with the next commit or flush. */
    void emit(Event event) {
        pending.add(event);
    }

    void emitNow(Event event) {
        pending.add(event);
        flush();
    }

    /** Writes the queued events; their ids are then below any event a later command writes. */
    void flush() {
        if (!pending.isEmpty()) {
            events.publish(List.of(), List.copyOf(pending));
            pending.clear();
        }
    }

    /** Writes releases and events in one transaction, after the queued events. */
    void commit(List<Release> releases, List<Event> newEvents) {
        flush();
        events.publish(releases, newEvents);
        active = store.activeReleases();
    }

    /** The newest event id, after writing what is queued: a reader following from it sees what comes next. */
    long cursor() {
        flush();
        return events.lastId();
    }
}
