package dev.apollo.core.deploy;

import dev.apollo.core.health.Health;
import dev.apollo.core.model.InstanceId;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Drives actual instances toward desired releases, the way Marathon did: forever, idempotently.
 * Pure: it looks at the active releases and the running instances and says what to start and
 * what to stop; a controller carries the plan out and asks again.
 */
public final class Reconciler {
    private Reconciler() {}

    public record Launch(Release release, int count) {}

    public record Stop(InstanceId id, String reason) {}

    public record Plan(List<Launch> launches, List<Stop> stops) {
        public boolean isEmpty() {
            return launches.isEmpty() && stops.isEmpty();
        }
    }

    /** Scale-down keeps the instances that serve best: healthy before starting, older before newer. */
    private static final Comparator<Member> KEEP_FIRST = Comparator
            .comparing((Member m) -> m.health() != Health.HEALTHY)
            .thenComparing(Member::startedAt)
            .thenComparing(Member::id);

    /**
     * @param active releases whose instances must run (DEPLOYING and LIVE)
     * @param running every running instance not already asked to stop, whatever its release
     * @param backoffs per release; absent means no failures
     */
    public static Plan plan(List<Release> active, List<Member> running, Map<ReleaseId, Backoff> backoffs, Instant now) {
        List<Launch> launches = new ArrayList<>();
        List<Stop> stops = new ArrayList<>();
        Set<ReleaseId> activeIds = new HashSet<>();

        for (Release release : active) {
            activeIds.add(release.id());
            List<Member> members = new ArrayList<>();
            for (Member member : running) {
                if (!member.release().equals(release.id())) {
                    continue;
                }
                if (member.health() == Health.UNHEALTHY) {
                    stops.add(new Stop(member.id(), "failed its health check: " + member.lastFailure()));
                } else {
                    members.add(member);
                }
            }
            int missing = release.instances() - members.size();
            Backoff backoff = backoffs.getOrDefault(release.id(), Backoff.none());
            if (missing > 0 && backoff.allowsLaunchAt(now)) {
                launches.add(new Launch(release, missing));
            } else if (missing < 0) {
                members.sort(KEEP_FIRST);
                for (Member extra : members.subList(release.instances(), members.size())) {
                    stops.add(new Stop(extra.id(), "scaled down to " + release.instances()));
                }
            }
        }
        for (Member member : running) {
            if (!activeIds.contains(member.release())) {
                stops.add(new Stop(member.id(), "release " + member.release() + " is no longer active"));
            }
        }
        return new Plan(List.copyOf(launches), List.copyOf(stops));
    }
}
