package dev.apollo.scheduler.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apollo.core.model.Address;
import dev.apollo.core.model.InstanceId;
import dev.apollo.core.port.ObservedInstance;
import dev.apollo.core.port.ObservedInstance.Exit;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One Swarm task as the engine reports it, and as an instance of the platform: the task's id ends
 * the instance id, its slot gives its port, its state its life.
 */
record TaskView(String id, String serviceId, String nodeId, int slot, String state, Instant createdAt, Instant statusAt,
        Optional<String> containerId, Optional<Integer> exitCode, String error) {
    /** The states a task never leaves. */
    private static final Set<String> TERMINAL = Set.of("complete", "shutdown", "failed", "rejected", "remove", "orphaned");

    static TaskView of(JsonNode task) {
        JsonNode status = task.path("Status");
        JsonNode container = status.path("ContainerStatus");
        String containerId = container.path("ContainerID").asText("");
        return new TaskView(task.path("ID").asText(), task.path("ServiceID").asText(), task.path("NodeID").asText(""),
                task.path("Slot").asInt(),
                status.path("State").asText(""), instant(task.path("CreatedAt").asText()),
                instant(status.path("Timestamp").asText()), containerId.isEmpty() ? Optional.empty() : Optional.of(containerId),
                // The engine leaves out a zero exit code; no container means it never started.
                container.has("ExitCode") ? Optional.of(container.path("ExitCode").asInt())
                        : containerId.isEmpty() ? Optional.empty() : Optional.of(0),
                status.path("Err").asText(""));
    }

    boolean terminal() {
        return TERMINAL.contains(state);
    }

    boolean running() {
        return state.equals("running");
    }

    static InstanceId instanceId(String idPrefix, String taskId) {
        return new InstanceId(idPrefix + "-" + taskId);
    }

    /** The task as an instance; {@code host} is where its node's tasks are reached (empty: a node we do not know). */
    ObservedInstance observed(ServiceView service, Optional<String> host, boolean stopRequested) {
        Map<Integer, Integer> ports = PortTable.of(service.labels());
        Optional<Address> address = running() && ports.containsKey(slot) && host.isPresent()
                ? Optional.of(new Address(host.get(), ports.get(slot)))
                : Optional.empty();
        Optional<Exit> exit = terminal()
                ? Optional.of(new Exit(exitCode.orElse(Exit.UNKNOWN_CODE), ExitReason.of(this, stopRequested),
                        statusAt.isBefore(createdAt) ? createdAt : statusAt))
                : Optional.empty();
        return new ObservedInstance(instanceId(service.idPrefix(), id), service.release(), address, createdAt, stopRequested,
                exit);
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }
}
