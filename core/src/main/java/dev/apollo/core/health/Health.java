package dev.apollo.core.health;

/** What the platform believes about a running instance, its readiness and liveness taken together. */
public enum Health {
    /** Started, its liveness probe has not passed yet. */
    STARTING,
    /** Alive and ready: it gets traffic and counts toward a deploy. */
    HEALTHY,
    /** Alive but not ready (not yet, or no longer): no traffic, and no restart for it. */
    NOT_READY,
    /** Failed its liveness probe too often in a row; it is being replaced. */
    UNHEALTHY
}
