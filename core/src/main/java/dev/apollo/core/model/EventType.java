package dev.apollo.core.model;

/** The kinds of events; a deploy's phase can be read from the last one about its release. */
public enum EventType {
    DEPLOY_STARTED(false),
    INSTANCE_STARTED(false),
    INSTANCE_HEALTHY(false),
    INSTANCE_UNHEALTHY(false),
    /** A ready instance failed its readiness probe the threshold in a row: out of traffic, not restarted. */
    INSTANCE_NOT_READY(false),
    /** A not-ready instance passed its readiness probe again: back in traffic. */
    INSTANCE_READY(false),
    INSTANCE_EXITED(false),
    INSTANCE_STOPPED(false),
    BACKING_OFF(false),
    TRAFFIC_SWITCHED(false),
    INSTANCE_DRAINING(false),
    DEPLOY_SUCCEEDED(true),
    DEPLOY_FAILED(true),
    /**
     * Another release took this one's place: a deploy or a rollback replaced it as live (kept warm
     * or retired, as the message says), or a newer testbed replaced it as the testbed. About the
     * replaced release, so that its own timeline tells its end.
     */
    RELEASE_REPLACED(false),
    SCALED(false),
    ROLLED_BACK(true),
    TESTBED_DISCARDED(true),
    ROUTE_CHANGED(false),
    UNDEPLOYED(true),
    /** The gateway could not serve the current table, or part of it (e.g. nginx refused a configuration). */
    GATEWAY_ERROR(false),
    /** The gateway serves the current table again, with nothing refused. */
    GATEWAY_RECOVERED(false),
    /** A service's stored configuration or secrets changed; the next release gets it (secrets by name only). */
    CONFIGURATION_CHANGED(false),
    /**
     * A control plane found a deploy in progress when it started, after an outage, and gave it time
     * to check its instances again before its deadline can end it.
     */
    DEPLOY_RESUMED(false),
    /**
     * A control plane sharing its store with others began leading: which one, its term, and what it found of
     * the previous leader's instances (adopted, or beyond its reach and replaced).
     */
    LEADER_ELECTED(false);

    private final boolean endsDeploy;

    EventType(boolean endsDeploy) {
        this.endsDeploy = endsDeploy;
    }

    /** True when no further progress follows for the release this event is about. */
    public boolean endsDeploy() {
        return endsDeploy;
    }
}
