package dev.apollo.gateway.nginx;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an nginx gateway is rendered with besides the route table.
 *
 * @param directory nginx's own directory (pid file, logs, temporary files, the control socket)
 * @param web where web traffic is served (HOST:PORT)
 * @param rpc where RPC calls are served (HOST:PORT), empty for none
 * @param domain web: production is at Host {@code domain}, environment E at {@code E.domain}
 * @param rpcSuffix RPC: production is at Host {@code rpcSuffix}, environment E at {@code E.rpcSuffix}
 * @param workers nginx worker processes
 * @param user the user workers run as, when nginx is started as root (workers of a non-root nginx run as it)
 */
public record NginxSettings(
        Path directory,
        String web,
        Optional<String> rpc,
        String domain,
        String rpcSuffix,
        int workers,
        Duration connectTimeout,
        Duration backendTimeout,
        Duration externalTimeout,
        Duration workerShutdownTimeout,
        Optional<String> user) {

    public NginxSettings {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(web, "web");
        domain = domain.toLowerCase(Locale.ROOT);
        rpcSuffix = rpcSuffix.toLowerCase(Locale.ROOT);
        if (workers < 1) {
            throw new IllegalArgumentException("nginx workers: " + workers + " (expected: >= 1)");
        }
    }

    /** One machine's defaults: two workers, the embedded gateway's timeouts, old workers gone within 10 s. */
    public static NginxSettings defaults(Path directory, String web, Optional<String> rpc, String domain) {
        return new NginxSettings(directory, web, rpc, domain, "rpc.int", 2, Duration.ofSeconds(2), Duration.ofSeconds(60),
                Duration.ofSeconds(30), Duration.ofSeconds(10), Optional.empty());
    }

    public Path configFile() {
        return directory.resolve("nginx.conf");
    }

    public Path pidFile() {
        return directory.resolve("nginx.pid");
    }

    public Path errorLog() {
        return directory.resolve("logs").resolve("error.log");
    }

    /** nginx's temporary directories by the directive that names each ({@code proxy} for {@code proxy_temp_path}). */
    public Map<String, Path> temporaryDirectories() {
        Map<String, Path> directories = new LinkedHashMap<>();
        for (String kind : List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi")) {
            directories.put(kind, directory.resolve("tmp").resolve(kind));
        }
        return directories;
    }

    /**
     * A unix socket nginx answers {@code GET /config} on with the digest of the configuration it
     * serves, and takes the instances on ({@code PUT /members}). nginx makes every unix socket it
     * listens on 0666, so it sits in a directory only Apollo's user may enter.
     */
    public Path controlSocket() {
        return controlDirectory().resolve("control.sock");
    }

    /** The control socket's directory: mode 0700. */
    public Path controlDirectory() {
        return directory.resolve("control");
    }
}
