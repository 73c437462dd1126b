package dev.apollo.server.http;

import dev.apollo.api.Views.LogLines;
import dev.apollo.core.ApolloException;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.InstanceId;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.port.Scheduler;
import dev.apollo.core.port.Scheduler.LogCursor;
import dev.apollo.core.port.Scheduler.LogPage;
import dev.apollo.server.control.Controller;
import dev.apollo.server.control.InstanceStatus;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An instance's output: the last lines, or followed as it is written. */
final class LogApi {
    private static final int MAX_LINES = 10_000;
    private static final long FOLLOW_POLL_MILLIS = 200;

    private final Controller controller;
    private final Scheduler scheduler;
    private final ServiceApi services;

    LogApi(Controller controller, Scheduler scheduler, ServiceApi services) {
        this.controller = controller;
        this.scheduler = scheduler;
        this.services = services;
    }

    void register(Router router) {
        router.add("GET", "/v1/environments/{env}/services/{service}/logs", call -> {
            ServiceApi.Key key = services.key(call);
            services.requireDeployedOnce(key); // a service never deployed has no logs: 404, as it has no status
            Optional<InstanceId> only = call.query("instance").map(InstanceId::new);
            List<InstanceStatus> instances = instances(key, only);
            if (call.query("follow").map(Boolean::parseBoolean).orElse(false)) {
                follow(call, key, only);
                return;
            }
            int lines = call.queryInt("lines", 100, 1, MAX_LINES);
            call.json(200, instances.stream()
                    .map(i -> new LogLines(i.id().value(), scheduler.tailLog(i.id(), lines)))
                    .toList());
        });
    }

    private List<InstanceStatus> instances(ServiceApi.Key key, Optional<InstanceId> only) {
        List<InstanceStatus> instances = of(key.environment(), key.service());
        if (only.isPresent()) {
            instances = instances.stream().filter(i -> i.id().equals(only.get())).toList();
            if (instances.isEmpty()) {
                throw new ApolloException.NotFound("instance " + only.get() + " is not an instance of " + key.service() + " in "
                        + key.environment() + ". See its instances with: apollo status " + key.service());
            }
        }
        return instances;
    }

    private List<InstanceStatus> of(EnvironmentName environment, ServiceName service) {
        return controller.snapshot().instances().stream()
                .filter(i -> i.environment().equals(environment) && i.service().equals(service))
                .toList();
    }

    /** Streams new output of every instance (or one), picking up instances that start meanwhile. */
    private void follow(Call call, ServiceApi.Key key, Optional<InstanceId> only) throws Exception {
        OutputStream out = call.stream("text/plain; charset=utf-8");
        // Instances running now are followed from their end; those that start meanwhile from their start.
        Map<InstanceId, LogCursor> cursors = new HashMap<>();
        Map<InstanceId, ByteArrayOutputStream> partial = new HashMap<>();
        for (InstanceStatus instance : instances(key, only)) {
            cursors.put(instance.id(), scheduler.readLog(instance.id(), LogCursor.END, 0).next());
        }
        while (true) {
            for (InstanceStatus instance : instances(key, only)) {
                LogPage chunk = scheduler.readLog(instance.id(), cursors.getOrDefault(instance.id(), LogCursor.START), 64 * 1024);
                cursors.put(instance.id(), chunk.next());
                ByteArrayOutputStream line = partial.computeIfAbsent(instance.id(), id -> new ByteArrayOutputStream());
                for (byte b : chunk.bytes()) {
                    if (b == '\n') {
                        out.write(("[" + instance.id() + "] " + line.toString(StandardCharsets.UTF_8) + "\n")
                                .getBytes(StandardCharsets.UTF_8));
                        line.reset();
                    } else {
                        line.write(b);
                    }
                }
            }
            out.flush(); // throws once the client has gone, which ends the stream
            Thread.sleep(FOLLOW_POLL_MILLIS); // log files have no change signal; polling a few times a second is cheap
        }
    }
}
