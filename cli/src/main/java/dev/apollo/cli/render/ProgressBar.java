package dev.apollo.cli.render;

import java.time.Duration;
import java.util.Locale;

/** A deploy's progress as one line: {@code [########------------] 3/5 healthy  5 started  phase: starting  12.3s}. */
public final class ProgressBar {
    public static final int WIDTH = 20;

    private ProgressBar() {}

    public static String render(int healthy, int started, int target, String phase, Duration elapsed) {
        int filled = target <= 0 ? 0 : Math.min(WIDTH, Math.max(0, healthy) * WIDTH / target);
        return "[" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] "
                + Math.max(0, healthy) + "/" + Math.max(0, target) + " healthy  "
                + Math.max(0, started) + " started  phase: " + phase + "  " + seconds(elapsed);
    }

    /** "12.3s". */
    public static String seconds(Duration elapsed) {
        return String.format(Locale.ROOT, "%.1fs", elapsed.toMillis() / 1000.0);
    }

    /** What a deploy is doing, read from the type of the last event about its release. */
    public static String phase(String eventType) {
        return switch (eventType) {
            case "DEPLOY_STARTED", "INSTANCE_STARTED" -> "starting";
            case "INSTANCE_HEALTHY" -> "health checks";
            case "INSTANCE_UNHEALTHY" -> "unhealthy";
            case "INSTANCE_EXITED" -> "restarting";
            case "INSTANCE_STOPPED" -> "stopping";
            case "BACKING_OFF" -> "backing off";
            case "RELEASE_REPLACED" -> "replaced";
            case "DEPLOY_SUCCEEDED" -> "live";
            case "DEPLOY_FAILED" -> "failed";
            case "SCALED" -> "scaling";
            case "UNDEPLOYED" -> "undeployed";
            default -> eventType.toLowerCase(Locale.ROOT).replace('_', ' ');
        };
    }
}
