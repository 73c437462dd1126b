package dev.apollo.gateway;

import dev.apollo.api.Json;
import dev.apollo.routing.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code {"pid":N,"web":"HOST:PORT","rpc":"HOST:PORT","routesVersion":V,"serving":true}}: how the control plane
 * and tests find and check us. {@code rpc} is absent when the gateway runs without an RPC listener.
 */
final class StateFile {
    private final Path file;
    private final String web;
    private final Optional<String> rpc;

    StateFile(Path file, String web, Optional<String> rpc) {
        this.file = file;
        this.web = web;
        this.rpc = rpc;
    }

    /** {@code host:port} as a client on this machine reaches it: a wildcard bind is reached at 127.0.0.1. */
    static String address(String host, int port) {
        String reachable = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") ? "127.0.0.1" : host;
        return (reachable.contains(":") ? "[" + reachable + "]" : reachable) + ":" + port;
    }

    /** @param serving false while it stands by for another gateway process */
    void write(long routesVersion, boolean serving) throws IOException {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("pid", ProcessHandle.current().pid());
        state.put("web", web);
        rpc.ifPresent(address -> state.put("rpc", address));
        state.put("routesVersion", routesVersion);
        state.put("serving", serving);
        AtomicFiles.write(file, Json.mapper().writeValueAsBytes(state));
    }
}
