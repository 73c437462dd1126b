package dev.apollo.server.http;

import dev.apollo.api.Views.ServerInfo;
import java.time.Instant;

/** Who is answering, and the way to stop it. */
public final class SystemApi {
    private final ServerInfoSource info;
    private final Runnable shutdown;

    public interface ServerInfoSource {
        ServerInfo get();
    }

    SystemApi(ServerInfoSource info, Runnable shutdown) {
        this.info = info;
        this.shutdown = shutdown;
    }

    void register(Router router) {
        router.add("GET", "/v1/info", call -> call.json(200, info.get()));
        router.add("POST", "/v1/shutdown", call -> {
            call.json(202, new Message("stopping every instance, then the control plane", Instant.now()));
            Thread.ofPlatform().name("apollo-shutdown").start(shutdown);
        });
    }

    record Message(String message, Instant at) {}
}
