package dev.apollo.server.http;

import dev.apollo.api.Json;
import dev.apollo.api.RouteTableView;
import dev.apollo.api.Views.RouteRequest;
import dev.apollo.core.ApolloException;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.Route;
import dev.apollo.core.model.RoutePath;
import dev.apollo.core.model.ServiceName;
import dev.apollo.server.control.Controller;
import dev.apollo.server.control.RouteFeed;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Web path rules, and the route table the gateways follow: {@code /v1/routes/stream} sends the
 * whole table at once and again on every change, so a gateway that reconnects is in sync with
 * its first event.
 */
final class RouteApi {
    private static final String ROUTES = "/v1/environments/{env}/routes";
    private static final Duration HEARTBEAT = Duration.ofSeconds(10);
    private static final Duration LEADERSHIP_CHECK = Duration.ofMillis(250);

    private final Controller controller;
    private final RouteFeed feed;
    private final ServiceApi services;
    private final Clock clock;

    private final BooleanSupplier leads;

    RouteApi(Controller controller, RouteFeed feed, ServiceApi services, Clock clock, BooleanSupplier leads) {
        this.leads = leads;
        this.controller = controller;
        this.feed = feed;
        this.services = services;
        this.clock = clock;
    }

    void register(Router router) {
        router.add("GET", ROUTES, call -> {
            EnvironmentName environment = services.environment(call);
            call.json(200, controller.routes().stream().filter(r -> r.environment().equals(environment))
                    .map(ViewMapper::route).toList());
        });
        router.add("PUT", ROUTES, call -> {
            EnvironmentName environment = services.environment(call);
            RouteRequest request = call.readJson(RouteRequest.class);
            if (request.path() == null || request.service() == null) {
                throw new ApolloException.Invalid("a route needs a path and a service (e.g. {\"path\":\"/a-path\","
                        + "\"service\":\"web-service\"}).");
            }
            Route route = controller.addRoute(new Route(environment, RoutePath.of(request.path()),
                    ServiceName.of(request.service()), clock.instant()));
            call.json(200, ViewMapper.route(route));
        });
        router.add("DELETE", ROUTES, call -> {
            EnvironmentName environment = services.environment(call);
            RoutePath path = RoutePath.of(call.query("path").orElseThrow(() -> new ApolloException.Invalid(
                    "say which route to remove with ?path=/a-path.")));
            controller.removeRoute(environment, path);
            call.json(200, new SystemApi.Message("route " + path + " removed from " + environment, clock.instant()));
        });
        router.add("GET", "/v1/routes", call -> call.json(200, published(feed)));
        router.add("GET", "/v1/routes/stream", call -> {
            published(feed);
            OutputStream out = call.stream("text/event-stream");
            RouteTableView table = feed.current();
            while (true) {
                String data = Json.mapper().writeValueAsString(table);
                out.write(("id: " + table.version() + "\nevent: routes\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush(); // throws once the gateway has gone, which ends the stream
                RouteTableView next = feed.awaitNewer(table.version(), LEADERSHIP_CHECK);
                long quietSince = System.nanoTime();
                while (next.version() == table.version()) {
                    if (!leads.getAsBoolean()) {
                        // A term that ended (stepped down): its table no longer changes; ending the stream sends the
                        // gateway back, to be told who leads now.
                        return;
                    }
                    if (System.nanoTime() - quietSince >= HEARTBEAT.toNanos()) {
                        out.write(":\n\n".getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        quietSince = System.nanoTime();
                    }
                    next = feed.awaitNewer(table.version(), LEADERSHIP_CHECK);
                }
                table = next;
            }
        });
    }

    /** The current table, once this term's controller made one: a gateway keeps its own table meanwhile. */
    private static RouteTableView published(RouteFeed feed) {
        if (!feed.published()) {
            throw new ApolloException.NotLeader("This control plane has just begun leading and has not made its route"
                    + " table yet; try again in a second (a gateway keeps serving the table it has).", "");
        }
        return feed.current();
    }
}
