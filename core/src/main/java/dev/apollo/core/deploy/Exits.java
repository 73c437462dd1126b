package dev.apollo.core.deploy;

/** Judges how an instance ended. */
public final class Exits {
    private Exits() {}

    /**
     * Whether an exit counts as a failure (a restart, a step of back-off): any exit nobody asked
     * for, and a stop the platform asked for only because the instance failed its health check.
     */
    public static boolean isFailure(boolean stopRequested, boolean stoppedAsUnhealthy) {
        return !stopRequested || stoppedAsUnhealthy;
    }
}
