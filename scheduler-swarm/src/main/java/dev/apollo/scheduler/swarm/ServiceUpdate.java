package dev.apollo.scheduler.swarm;

import dev.apollo.core.ApolloException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A change of a service's replicas and labels. The engine's own spec is sent back with only those changed
 * (docker-java's model would drop fields, and Swarm would take the changed task template for a new one and
 * replace every task); another writer's update in between ("update out of sequence") is retried on the
 * newer spec.
 */
final class ServiceUpdate {
    /** New replicas and labels for a service. */
    record Change(int replicas, Map<String, String> labels) {}

    private ServiceUpdate() {}

    /** Applies {@code change} to the service as the engine has it now; nothing is sent when nothing changes. */
    static void apply(Engine engine, String serviceId, Function<ServiceView, Change> change) {
        for (int attempt = 1; ; attempt++) {
            ServiceView current = ServiceView.of(engine.get("/services/" + serviceId));
            Change next = change.apply(current);
            if (next.replicas() == current.replicas() && next.labels().equals(current.labels())) {
                return;
            }
            try {
                engine.post("/services/" + serviceId + "/update?version=" + current.version(),
                        current.specWith(next.replicas(), next.labels()));
                return;
            } catch (ApolloException e) {
                if (attempt >= 5 || !String.valueOf(e.getMessage()).contains("out of sequence")) {
                    throw e;
                }
            }
        }
    }

    /** The labels without stop marks of tasks the engine no longer has. */
    static Map<String, String> pruned(ServiceView service, Snapshot now) {
        Set<String> tasks = new HashSet<>();
        now.tasks(service).forEach(t -> tasks.add(t.id()));
        Map<String, String> labels = new HashMap<>(service.labels());
        labels.keySet().removeIf(key -> key.startsWith(ReleaseService.STOP)
                && !tasks.contains(key.substring(ReleaseService.STOP.length())));
        return labels;
    }
}
