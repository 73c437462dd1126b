package dev.apollo.core.deploy;

import dev.apollo.core.model.Event;
import dev.apollo.core.model.EventType;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides the next step of a deploy from what is observed (the aurora way: evaluate, don't act).
 * A deploying release goes live once all its instances are healthy; it fails at its deadline,
 * or early when its instances crash again and again without one ever becoming healthy. Either
 * way the live release is untouched until the switch, so a failed deploy never costs capacity.
 */
public final class DeployEvaluator {
    /** Failures in a row, with no healthy instance, after which waiting for the deadline is pointless. */
    public static final int CRASH_LOOP_LIMIT = 5;

    private DeployEvaluator() {}

    public sealed interface Step {
        record Wait() implements Step {}

        record Succeed() implements Step {}

        record Fail(String reason) implements Step {}
    }

    /** @param healthy the release's instances that are alive and ready ({@code Health.HEALTHY}) */
    public static Step evaluate(Release deploying, int healthy, Backoff backoff, String lastFailure, Instant now) {
        if (healthy >= deploying.instances()) {
            return new Step.Succeed();
        }
        String last = lastFailure.isBlank() ? "" : " Last failure: " + lastFailure;
        if (!now.isBefore(deploying.deadline())) {
            long seconds = Duration.between(deploying.createdAt(), deploying.deadline()).toSeconds();
            return new Step.Fail(healthy + " of " + deploying.instances() + " instances became healthy within the "
                    + seconds + "s deadline." + last);
        }
        if (healthy == 0 && backoff.streak() >= CRASH_LOOP_LIMIT) {
            return new Step.Fail("instances failed " + backoff.streak() + " times in a row without one becoming healthy."
                    + last);
        }
        return new Step.Wait();
    }

    /** The releases and events that a step writes, in one transaction. */
    public record Outcome(List<Release> releases, List<Event> events) {}

    /**
     * The switch: the deploying release goes live in one transaction. The release it replaces is
     * kept warm as PREVIOUS (so a rollback is only a route switch) when {@code keepWarm}, else
     * retired; an older PREVIOUS is retired either way.
     */
    public static Outcome succeed(Release deploying, Optional<Release> live, Optional<Release> previous, boolean keepWarm,
            int healthy, Instant now) {
        List<Release> releases = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        Release promoted = deploying.withState(ReleaseState.LIVE, now, "");
        releases.add(promoted);
        previous.ifPresent(old -> releases.add(old.withState(ReleaseState.REPLACED, now,
                "retired: " + deploying.id() + " (" + deploying.version() + ") went live")));
        live.ifPresent(old -> {
            String why = "replaced by " + deploying.id() + " (" + deploying.version() + ")";
            ReleaseState next = keepWarm ? ReleaseState.PREVIOUS : ReleaseState.REPLACED;
            releases.add(old.withState(next, now, keepWarm ? why + "; kept warm for rollback" : why));
            events.add(Event.of(now, EventType.RELEASE_REPLACED, old, old.describe() + " " + why, -1, -1));
        });
        events.add(Event.of(now, EventType.TRAFFIC_SWITCHED, promoted,
                "traffic switched to " + deploying.describe(), healthy, healthy));
        events.add(Event.of(now, EventType.DEPLOY_SUCCEEDED, promoted,
                deploying.describe() + " is live with " + healthy + " healthy instances", healthy, healthy));
        return new Outcome(List.copyOf(releases), List.copyOf(events));
    }

    /**
     * @param lastLines the failing instance's last output lines: they go into the event, where the
     *     person watching the deploy sees them, not into the release's stored reason
     */
    public static Outcome fail(Release deploying, String reason, List<String> lastLines, int started, int healthy, Instant now) {
        Release failed = deploying.withState(ReleaseState.FAILED, now, reason);
        StringBuilder message = new StringBuilder(deploying.describe()).append(" failed: ").append(reason);
        if (!lastLines.isEmpty()) {
            message.append("\nLast output of the failing instance:");
            lastLines.forEach(line -> message.append("\n  ").append(line));
        }
        return new Outcome(List.of(failed),
                List.of(Event.of(now, EventType.DEPLOY_FAILED, failed, message.toString(), started, healthy)));
    }
}
