package dev.apollo.core.model;

/** Where a release stands. Only active releases (deploying, live, previous, testbed) have instances. */
public enum ReleaseState {
    /** Starting beside the live release; takes no traffic until it is healthy. */
    DEPLOYING,
    /** The release the service runs in its environment. */
    LIVE,
    /** Was live until a newer release took over; kept running, without traffic, so a rollback is only a route switch. */
    PREVIOUS,
    /** Runs beside the live release and gets only the traffic that opts in (header, cookie, host). */
    TESTBED,
    /** Did not become healthy before its deadline; the live release was left as it was. */
    FAILED,
    /** Was live until a newer release took its place. */
    REPLACED,
    /** Was stopped by an undeploy. */
    UNDEPLOYED;

    public boolean active() {
        return this == DEPLOYING || this == LIVE || this == PREVIOUS || this == TESTBED;
    }
}
