package dev.apollo.scheduler.local;

import dev.apollo.core.model.InstanceId;
import dev.apollo.process.Processes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Recognizes our instances among all processes of the machine by two system properties on their
 * command line: {@code -Dapollo.home=<state dir>} and {@code -Dapollo.instance=<id>}. A recorded
 * PID alone is not enough: it is missing when the control plane died between starting a process
 * and writing its PID, and after a reboot it may name someone else's process. The home marker
 * keeps schedulers with different state directories out of each other's processes. This record
 * knows what our markers look like; {@link Processes#carrying} finds the processes that carry one.
 */
record HomeMarker(Path home) {
    private static final String HOME = "-Dapollo.home=";
    private static final String INSTANCE = "-Dapollo.instance=";

    String homeArgument() {
        return HOME + home;
    }

    static String instanceArgument(InstanceId id) {
        return INSTANCE + id.value();
    }

    /**
     * The instance id a process carries if it is one of ours. Needs both markers, so a control
     * plane that was itself started with {@code -Dapollo.home} is never taken for an instance.
     */
    Optional<String> instanceOf(ProcessHandle process) {
        if (process.pid() == ProcessHandle.current().pid()) {
            return Optional.empty();
        }
        List<String> arguments = Processes.arguments(process);
        if (!arguments.contains(homeArgument())) {
            return Optional.empty();
        }
        return arguments.stream()
                .filter(argument -> argument.startsWith(INSTANCE))
                .map(argument -> argument.substring(INSTANCE.length()))
                .findFirst();
    }

    /** Our running processes by the instance id they carry (usually one each). */
    Map<String, List<ProcessHandle>> scan() {
        Map<String, List<ProcessHandle>> found = new HashMap<>();
        Processes.carrying(homeArgument()).forEach(process -> instanceOf(process)
                .ifPresent(id -> found.computeIfAbsent(id, key -> new ArrayList<>()).add(process)));
        return found;
    }
}
