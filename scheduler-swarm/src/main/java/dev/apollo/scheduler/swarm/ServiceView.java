package dev.apollo.scheduler.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apollo.core.model.ReleaseId;
import java.util.Map;
import java.util.TreeMap;

/**
 * A release's service as the engine has it. {@code spec} is the engine's own JSON, sent back
 * with only replicas and labels changed: docker-java's model would drop fields it does not know,
 * and a task template that differs makes Swarm replace every task.
 */
record ServiceView(String id, long version, ReleaseId release, String idPrefix, int replicas, Map<String, String> labels,
        JsonNode spec) {

    static ServiceView of(JsonNode service) {
        JsonNode spec = service.path("Spec");
        Map<String, String> labels = new TreeMap<>();
        spec.path("Labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return new ServiceView(service.path("ID").asText(), service.path("Version").path("Index").asLong(),
                new ReleaseId(Long.parseLong(labels.get(ReleaseService.RELEASE))), labels.get(ReleaseService.ID_PREFIX),
                spec.path("Mode").path("Replicated").path("Replicas").asInt(), labels, spec);
    }

    boolean retired() {
        return labels.containsKey(ReleaseService.RETIRED);
    }

    boolean stopRequested(String taskId) {
        return labels.containsKey(ReleaseService.STOP + taskId);
    }

    /** The spec to send back with {@code replicas} and {@code newLabels}, everything else as the engine has it. */
    ObjectNode specWith(int newReplicas, Map<String, String> newLabels) {
        ObjectNode copy = spec.deepCopy();
        ((ObjectNode) copy.with("Mode").with("Replicated")).put("Replicas", newReplicas);
        copy.set("Labels", Engine.json().valueToTree(new TreeMap<>(newLabels)));
        return copy;
    }
}
