package dev.apollo.server.http;

import dev.apollo.api.Views.DashboardLink;
import dev.apollo.api.Views.EventView;
import dev.apollo.api.Views.RecentEvents;
import dev.apollo.core.model.Event;
import dev.apollo.server.control.EventBus;
import dev.apollo.server.dashboard.DashboardGate;
import dev.apollo.server.dashboard.Sessions;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * What the web dashboard needs beyond the CLI's API: a one-time login link (for a caller holding
 * the token, i.e. {@code apollo dashboard}), and the newest events so a page paints the last event
 * of each service at once and follows the stream from there.
 */
final class DashboardApi {
    private static final int MAX_RECENT = 2_000;

    private final Sessions sessions;
    private final EventBus events;
    private final InetSocketAddress listening;

    DashboardApi(Sessions sessions, EventBus events, InetSocketAddress listening) {
        this.sessions = sessions;
        this.events = events;
        this.listening = listening;
    }

    void register(Router router) {
        router.add("POST", "/v1/dashboard/links", call -> {
            Sessions.Link link = sessions.newLink();
            // The host the caller reached us by is the one its browser can reach too (a port 0 listen was resolved).
            String host = call.header("Host").orElse(listening.getHostString() + ":" + listening.getPort());
            call.json(201, new DashboardLink("http://" + host + DashboardGate.PREFIX + "/login?code=" + link.code(),
                    link.expiresAt()));
        });
        router.add("GET", "/v1/dashboard/recent-events", call -> {
            int limit = call.queryInt("limit", 500, 1, MAX_RECENT);
            long cursor = events.lastId();
            List<EventView> recent = new ArrayList<>();
            long from = Math.max(0, cursor - limit);
            while (from < cursor) {
                List<Event> batch = events.after(from, 500);
                if (batch.isEmpty()) {
                    break;
                }
                for (Event event : batch) {
                    if (event.id() <= cursor) {
                        recent.add(ViewMapper.event(event));
                    }
                }
                from = batch.getLast().id();
            }
            call.json(200, new RecentEvents(cursor, recent));
        });
    }
}
