package dev.apollo.cli.deploy;

import dev.apollo.api.Views.EventView;
import dev.apollo.cli.render.ProgressBar;
import java.time.Duration;
import java.util.Set;

/** What the events of one release have said so far, and the progress line that shows it. */
final class DeployState {
    /** A release replaced before it ended (a testbed a newer one took the place of) will never end otherwise. */
    static final Set<String> ENDINGS = Set.of("DEPLOY_SUCCEEDED", "DEPLOY_FAILED", "UNDEPLOYED", "RELEASE_REPLACED");

    private final long startNanos = System.nanoTime();
    private int healthy;
    private int started;
    private int target;
    private String phase = "starting";
    private EventView last;

    DeployState(int target) {
        this.target = target;
    }

    synchronized void apply(EventView event) {
        last = event;
        phase = ProgressBar.phase(event.type());
        // -1 means "not about a release": keep what we knew.
        if (event.target() >= 0) {
            target = event.target();
        }
        if (event.started() >= 0) {
            started = event.started();
        }
        if (event.healthy() >= 0) {
            healthy = event.healthy();
        }
    }

    static boolean ends(EventView event) {
        return ENDINGS.contains(event.type());
    }

    synchronized boolean succeeded() {
        return last != null && last.type().equals("DEPLOY_SUCCEEDED");
    }

    synchronized EventView last() {
        return last;
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    synchronized String bar() {
        return ProgressBar.render(healthy, started, target, phase, elapsed());
    }

    /** One line per event, for logs and pipes. */
    synchronized String plainLine(EventView event) {
        String message = event.message() == null || event.message().isBlank() ? "" : "  " + event.message();
        return String.format("%7s  %-18s %d/%d healthy  %d started%s",
                ProgressBar.seconds(elapsed()), event.type(), healthy, target, started, message);
    }

    synchronized int healthy() {
        return healthy;
    }

    synchronized int target() {
        return target;
    }
}
