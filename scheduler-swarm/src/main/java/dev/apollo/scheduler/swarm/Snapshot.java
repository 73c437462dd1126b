package dev.apollo.scheduler.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apollo.core.model.ReleaseId;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the swarm runs for Apollo at one moment: our namespace's services with their tasks, and
 * the ports every Apollo service on the swarm (any namespace) holds.
 */
record Snapshot(List<ServiceView> services, Map<String, List<TaskView>> tasksByService, Set<Integer> portsTaken) {

    static Snapshot read(Engine engine, String namespace) {
        List<ServiceView> ours = new ArrayList<>();
        Set<Integer> ports = new HashSet<>();
        for (JsonNode service : engine.get("/services?filters=" + filter("label", ReleaseService.NAMESPACE))) {
            ServiceView view = ServiceView.of(service);
            ports.addAll(PortTable.of(view.labels()).values());
            if (namespace.equals(view.labels().get(ReleaseService.NAMESPACE))) {
                ours.add(view);
            }
        }
        Map<String, List<TaskView>> tasks = new java.util.HashMap<>();
        ours.forEach(s -> tasks.put(s.id(), new ArrayList<>()));
        if (!ours.isEmpty()) {
            List<String> ids = ours.stream().map(ServiceView::id).toList();
            for (JsonNode task : engine.get("/tasks?filters=" + filter("service", ids.toArray(String[]::new)))) {
                TaskView view = TaskView.of(task);
                List<TaskView> list = tasks.get(view.serviceId());
                if (list != null) {
                    list.add(view);
                }
            }
        }
        return new Snapshot(List.copyOf(ours), tasks, ports);
    }

    Optional<ServiceView> service(ReleaseId release) {
        return services.stream().filter(s -> s.release().equals(release)).findFirst();
    }

    List<TaskView> tasks(ServiceView service) {
        return tasksByService.getOrDefault(service.id(), List.of());
    }

    private static String filter(String name, String... values) {
        String json = Engine.json().createObjectNode().set(name, Engine.json().valueToTree(List.of(values))).toString();
        return URLEncoder.encode(json, StandardCharsets.UTF_8);
    }
}
