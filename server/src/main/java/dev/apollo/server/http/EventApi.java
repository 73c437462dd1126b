package dev.apollo.server.http;

import dev.apollo.api.Json;
import dev.apollo.core.ApolloException;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.Event;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ServiceName;
import dev.apollo.server.control.EventBus;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The event stream (server-sent events). Ordered by id, resumable: a client that reconnects with
 * {@code Last-Event-ID} gets exactly the events it missed, even across a control-plane restart.
 */
final class EventApi {
    private static final Duration HEARTBEAT = Duration.ofSeconds(10);

    private final EventBus events;

    EventApi(EventBus events) {
        this.events = events;
    }

    void register(Router router) {
        router.add("GET", "/v1/events", call -> {
            long cursor = call.header("Last-Event-ID").or(() -> call.query("after"))
                    .map(EventApi::parseCursor).orElse(events.lastId());
            Predicate<Event> filter = filter(call);
            OutputStream out = call.stream("text/event-stream");
            out.write(("retry: 1000\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (true) {
                List<Event> batch = events.after(cursor, 500);
                for (Event event : batch) {
                    cursor = event.id();
                    if (filter.test(event)) {
                        String data = Json.mapper().writeValueAsString(ViewMapper.event(event));
                        out.write(("id: " + event.id() + "\nevent: " + event.type() + "\ndata: " + data + "\n\n")
                                .getBytes(StandardCharsets.UTF_8));
                    }
                }
                if (batch.isEmpty() && !events.awaitAfter(cursor, HEARTBEAT)) {
                    out.write(":\n\n".getBytes(StandardCharsets.UTF_8)); // keeps proxies and idle timeouts away
                }
                out.flush(); // a write to a client that left throws here and ends the stream
            }
        });
    }

    private static long parseCursor(String text) {
        try {
            long value = Long.parseLong(text.strip());
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ApolloException.Invalid("event cursor '" + text + "': expected an event id (a whole number >= 0).");
        }
    }

    private static Predicate<Event> filter(Call call) {
        Optional<ReleaseId> release = call.query("release").map(ReleaseId::parse);
        Optional<ServiceName> service = call.query("service").map(ServiceName::of);
        Optional<EnvironmentName> environment = call.query("environment").map(EnvironmentName::of);
        return event -> release.map(r -> event.release().equals(Optional.of(r))).orElse(true)
                && service.map(s -> event.service().equals(Optional.of(s))).orElse(true)
                && environment.map(e -> event.environment().equals(e)).orElse(true);
    }
}
