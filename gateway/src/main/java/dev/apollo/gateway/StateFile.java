package dev.apollo.gateway;

import dev.apollo.api.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code {"pid":N,"web":"HOST:PORT","routesVersion":V}}: how the control plane and tests find and check us. */
final class StateFile {
    private final Path file;
    private final String web;

    StateFile(Path file, String host, int port) {
        this.file = file;
        String reachable = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") ? "127.0.0.1" : host;
        this.web = (reachable.contains(":") ? "[" + reachable + "]" : reachable) + ":" + port;
    }

    void write(long routesVersion) throws IOException {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("pid", ProcessHandle.current().pid());
        state.put("web", web);
        state.put("routesVersion", routesVersion);
        AtomicFiles.write(file, Json.mapper().writeValueAsBytes(state));
    }
}
