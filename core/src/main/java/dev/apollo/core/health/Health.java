package dev.apollo.core.health;

/** What the platform believes about a running instance. */
public enum Health {
    /** Started, not yet answered its health check. */
    STARTING,
    /** Its last health check passed. */
    HEALTHY,
    /** Failed its health check too often in a row; it is being replaced. */
    UNHEALTHY
}
