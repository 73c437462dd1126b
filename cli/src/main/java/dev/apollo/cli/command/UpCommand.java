package dev.apollo.cli.command;

import dev.apollo.api.Views.GatewayView;
import dev.apollo.cli.ExitCodes;
import dev.apollo.cli.render.GatewayViews;
import dev.apollo.client.ApolloClient;
import dev.apollo.cli.GlobalOptions;
import dev.apollo.cli.local.LocalControlPlane;
import dev.apollo.client.ServerFile;
import dev.apollo.process.LogLimits;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Start the control plane: in this terminal, or in the background as a daemon with --detach.",
            "Ctrl-C or SIGTERM stops the control plane only: instances and the gateway keep serving and the next start"
                + " adopts them (apollo down stops everything)."})
public final class UpCommand implements Callable<Integer> {
    private static final List<String> GATEWAYS = List.of("embedded", "nginx");

    @Mixin
    private GlobalOptions global;

    @Spec
    private CommandSpec spec;

    @Option(names = "--detach", description = "Run in the background, in a session of its own with no terminal; output goes"
            + " to <data dir>/server.log, rotated past --log-max-size.")
    private boolean detach;

    @Mixin
    private ListenOptions listen;

    @Option(names = "--rollback-window", paramLabel = "SECONDS",
            description = "How long a replaced release is kept warm so a rollback is a route switch; 0 disables (default: 300).")
    private Integer rollbackWindow;

    @Option(names = "--max-instances", paramLabel = "N",
            description = "The most instances one deploy or scale may ask for (default: 200).")
    private Integer maxInstances;

    @Option(names = "--stop-grace", paramLabel = "SECONDS",
            description = "Seconds an instance has between SIGTERM and SIGKILL (default: 10).")
    private Integer stopGrace;

    @Option(names = "--maven-remote", paramLabel = "URL",
            description = "A remote Maven repository for GROUP:ARTIFACT:VERSION deploys (default: only ~/.m2).")
    private String mavenRemote;

    @Option(names = "--gateway", paramLabel = "embedded|nginx",
            description = "The gateway in front of the instances: Apollo's own (embedded), or an nginx whose config"
                    + " Apollo renders and reloads (default: embedded).")
    private String gateway;

    @Option(names = "--nginx", paramLabel = "PATH",
            description = "The nginx binary for --gateway nginx (default: nginx on PATH, else /usr/sbin or /usr/local/sbin).")
    private Path nginx;

    @Option(names = "--scheduler", paramLabel = "NAME",
            description = "Where instances run: local, as processes on this machine (default: local).")
    private String scheduler;

    @Option(names = "--store", paramLabel = "sqlite:PATH|postgresql://HOST:PORT/DB?user=U",
            description = "Where the desired state and history are kept: a SQLite file, a relative PATH in the data dir"
                    + " (default: sqlite:apollo.db), or a PostgreSQL database that several control planes share, one"
                    + " leading (password from $APOLLO_STORE_PASSWORD or --store-password-file, never in the URL).")
    private String store;

    @Option(names = "--log-max-size", paramLabel = "SIZE",
            description = "Rotate each log Apollo writes itself (server.log, gateway.log, nginx's error.log) once it passes"
                    + " SIZE: bytes, or K, M, G as in 512K or 10MiB (default: 10MiB).")
    private String logMaxSize;

    @Option(names = "--log-keep", paramLabel = "N", description = "Rotated copies kept of each of those logs (default: 2).")
    private Integer logKeep;

    @Option(names = "--store-password-file", paramLabel = "PATH",
            description = "A file whose first line is the postgresql:// store's password (default: $APOLLO_STORE_PASSWORD).")
    private Path storePasswordFile;

    @Option(names = "--lease-ms", paramLabel = "MS",
            description = "How long the leadership of control planes on one postgresql:// store lasts unless renewed:"
                    + " the longest a standby waits after the leader dies (default: 5000).")
    private Integer leaseMs;

    @Option(names = "--advertise", paramLabel = "HOST[:PORT]",
            description = "Where the other control planes on one postgresql:// store, and the CLIs and gateways they send,"
                    + " reach this one, when --listen names no host they can reach (0.0.0.0) or is translated"
                    + " (default: the --listen address; PORT: the one it is bound to).")
    private String advertise;

    // What one API client may hold; the server's ApiLimits has the same bounds, for apollo.conf's keys.
    @Option(names = "--api-header-timeout-ms", paramLabel = "MS",
            description = "How long a client has, from connecting, to send its first request's headers (default: 10000).")
    private Integer apiHeaderTimeoutMs;

    @Option(names = "--api-idle-timeout-ms", paramLabel = "MS", description = "The longest silence of a client while it"
            + " sends a body, or between requests on a kept-alive connection (default: 30000).")
    private Integer apiIdleTimeoutMs;

    @Option(names = "--api-max-connections", paramLabel = "N",
            description = "API connections open at once; past it the API accepts no more until one closes (default: 512).")
    private Integer apiMaxConnections;

    @Override
    public Integer call() {
        List<String> flags = serverFlags();
        LocalControlPlane plane = LocalControlPlane.of(global.home(), global.env()).withServerFlags(flags);
        Optional<ServerFile> running = plane.running();
        if (running.isPresent()) {
            global.out().println("The Apollo control plane is already running at " + running.get().url()
                    + " (pid " + running.get().pid() + ", data dir " + plane.home() + ").");
            List<String> unapplied = startOptionsGiven();
            if (!unapplied.isEmpty()) {
                global.out().println("Not applied: " + String.join(", ", unapplied) + " (options of a start; to change them:"
                        + " apollo down, then apollo up with them).");
            }
            return gatewayState();
        }
        if (detach) {
            ServerFile started = plane.startDetached(listen.api(spec));
            global.out().println(runningAt(started, plane));
            global.out().println("Logs: " + plane.logFile() + "   Stop it with: apollo down");
            return ExitCodes.OK;
        }
        global.out().println("Starting the Apollo control plane (data dir " + plane.home() + "). Ctrl-C or SIGTERM stops it"
                + " and leaves instances and the gateway running for the next start; apollo down stops them all.");
        int exit = plane.runForeground(listen.api(spec));
        if (exit == LocalControlPlane.SERVER_REFUSED_CONFIGURATION) {
            return ExitCodes.USAGE; // the server said why on this terminal, as --detach says it
        }
        return exit == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** The options typed that only a start takes in, which a control plane already running ignores. */
    private List<String> startOptionsGiven() {
        List<String> notOfAStart = List.of("--detach", "--home", "--server", "--output", "--help", "--version");
        return spec.commandLine().getParseResult().matchedOptions().stream()
                .map(OptionSpec::longestName)
                .filter(name -> !notOfAStart.contains(name))
                .distinct()
                .toList();
    }

    /**
     * What a running control plane's gateway does, said after "already running": a gateway that is
     * down is no reason to believe all is well (exit 1). A control plane that does not answer the
     * question leaves the answer to `apollo status`.
     */
    private int gatewayState() {
        GatewayView gateway;
        try (ApolloClient client = global.client()) {
            gateway = client.gateway();
        } catch (RuntimeException e) {
            return ExitCodes.OK;
        }
        Optional<String> state = GatewayViews.processes(gateway);
        global.out().println("Its gateway (" + gateway.kind() + ") on web " + gateway.web()
                + (gateway.rpc() == null || gateway.rpc().isEmpty() ? "" : ", rpc " + gateway.rpc())
                + state.map(s -> ": " + s).orElse("") + ".");
        if ("down".equals(gateway.state())) {
            global.out().println("The gateway is down: " + (gateway.lastError() == null ? "no process of it runs" : gateway.lastError())
                    + ". The control plane keeps starting it again; see apollo gateway status and the data dir's gateway.log.");
            return ExitCodes.FAILED;
        }
        return ExitCodes.OK;
    }

    /** Checks the options and turns them into ServerMain's flags; only options given are passed on. */
    List<String> serverFlags() {
        listen.api(spec);
        Checks.atLeast(spec, "max-instances", maxInstances, 1);
        Checks.atLeast(spec, "stop-grace", stopGrace, 0);
        Checks.atLeast(spec, "rollback-window", rollbackWindow, 0);
        Checks.atLeast(spec, "log-keep", logKeep, 0);
        checkLogSize();
        Checks.atLeast(spec, "lease-ms", leaseMs, 500);
        Checks.atLeast(spec, "api-header-timeout-ms", apiHeaderTimeoutMs, 1);
        Checks.atLeast(spec, "api-idle-timeout-ms", apiIdleTimeoutMs, 1);
        Checks.atLeast(spec, "api-max-connections", apiMaxConnections, 8);
        checkGateway();
        // The server knows the schedulers and stores there are, and refuses others by name; it finds nginx
        // when --nginx is left out, and knows the data dir's apollo.conf, which may choose it.
        return new ServerFlags()
                .add("--max-instances", maxInstances)
                .add("--stop-grace", stopGrace)
                .addAll(listen.gatewayFlags())
                .add("--rollback-window", rollbackWindow)
                .add("--maven-remote", mavenRemote)
                .add("--gateway", gateway)
                .add("--nginx", nginx)
                .add("--scheduler", scheduler)
                .add("--store", store)
                .add("--log-max-size", logMaxSize)
                .add("--log-keep", logKeep)
                .add("--store-password-file", storePasswordFile == null ? null : storePasswordFile.toAbsolutePath())
                .add("--lease-ms", leaseMs)
                .add("--advertise", advertise)
                .add("--api-header-timeout-ms", apiHeaderTimeoutMs)
                .add("--api-idle-timeout-ms", apiIdleTimeoutMs)
                .add("--api-max-connections", apiMaxConnections)
                .list();
    }

    private void checkLogSize() {
        if (logMaxSize == null) {
            return;
        }
        try {
            if (LogLimits.parseSize(logMaxSize) < 1) {
                throw new IllegalArgumentException("log size '" + logMaxSize + "': expected at least 1 byte (e.g. 10MiB).");
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "log-max-size: " + e.getMessage());
        }
    }

    private void checkGateway() {
        if (gateway != null && !GATEWAYS.contains(gateway)) {
            throw new ParameterException(spec.commandLine(), "gateway '" + gateway + "': expected embedded|nginx"
                    + " (embedded is Apollo's own gateway; nginx runs the nginx binary given with --nginx).");
        }
    }

    static String runningAt(ServerFile file, LocalControlPlane plane) {
        return "Apollo control plane running at " + file.url() + " (pid " + file.pid() + ", data dir " + plane.home() + ")";
    }
}
