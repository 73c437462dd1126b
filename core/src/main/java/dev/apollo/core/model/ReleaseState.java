package dev.apollo.core.model;

/** Where a release stands. Only DEPLOYING and LIVE releases have instances the platform keeps running. */
public enum ReleaseState {
    /** Starting beside the live release; takes no traffic until it is healthy. */
    DEPLOYING,
    /** The release the service runs in its environment. */
    LIVE,
    /** Did not become healthy before its deadline; the live release was left as it was. */
    FAILED,
    /** Was live until a newer release took its place. */
    REPLACED,
    /** Was stopped by an undeploy. */
    UNDEPLOYED;

    public boolean active() {
        return this == DEPLOYING || this == LIVE;
    }
}
