package dev.apollo.server;

import dev.apollo.core.ApolloException;
import dev.apollo.process.CappedOutput;
import dev.apollo.process.LogLimits;
import dev.apollo.server.http.ApiLimits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a control plane in this process until {@code apollo down} or a signal. Started by
 * {@code apollo up}; flags: {@code --home DIR --listen HOST:PORT --max-instances N
 * --stop-grace SECONDS --maven-remote URL --scheduler local --store sqlite:PATH} and the gateway's.
 * Exit code 2 when a flag or an apollo.conf line cannot be taken (the CLI reports that as a usage
 * error), 1 when the control plane cannot start.
 */
public final class ServerMain {
    private ServerMain() {}

    public static void main(String[] args) throws InterruptedException {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
        ServerConfig config;
        try {
            config = parse(args);
        } catch (ApolloException e) {
            System.err.println("apollo server: " + e.getMessage());
            System.exit(2);
            return;
        }
        // Before anything logs (a log handler keeps the stream it starts with): a server.log is kept under its cap.
        CappedOutput.install(config.logs());
        ControlPlane plane;
        try {
            plane = ControlPlane.start(config);
        } catch (RuntimeException e) {
            System.err.println("apollo server: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        // A signal stops the control plane only; instances keep serving and are adopted on the next start.
        // Said by whichever ends first: the hook (a signal, whose JVM may halt before this thread wakes) or apollo down.
        AtomicBoolean said = new AtomicBoolean();
        Runnable sayStopped = () -> {
            if (!said.getAndSet(true)) {
                System.out.println("Apollo control plane stopped.");
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            plane.close();
            sayStopped.run();
        }, "apollo-signal"));
        System.out.println("Apollo control plane listening on " + plane.url() + " (data dir " + config.home() + ", pid "
                + ProcessHandle.current().pid() + ")"
                + (config.advertise().isPresent() ? "; the other control planes reach it at " + plane.advertisedUrl() : ""));
        System.out.println(logs(config));
        plane.awaitStopped();
        sayStopped.run();
        System.exit(0);
    }

    /** Where each log is, for the operator who just started us (or reads the start in a log). */
    static String logs(ServerConfig config) {
        Path home = config.home().toAbsolutePath();
        String limits = "each rotated past " + LogLimits.formatSize(config.logs().maxBytes()) + "; older files kept: "
                + config.logs().keep();
        String gateway = config.gateway().isEmpty() ? ""
                : config.gatewayKind() == ServerConfig.GatewayKind.NGINX
                        ? "; nginx: " + NginxFront.settings(config, "", Optional.empty()).errorLog()
                        : "; gateway: " + home.resolve(GatewayProcess.LOG_FILE);
        return "Logs: control plane: " + CappedOutput.describeStandardOutput() + gateway
                + "; instances: apollo logs SERVICE (" + limits + ")";
    }

    /** The data dir's config file: {@code key = value} lines, one per flag (without its dashes); flags win over it. */
    static final String CONFIG_FILE = "apollo.conf";

    static ServerConfig parse(String[] args) {
        String home = Optional.ofNullable(System.getenv("APOLLO_HOME"))
                .orElse(Path.of(System.getProperty("user.home"), ".apollo").toString());
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--home")) {
                home = args[i + 1];
            }
        }
        List<String> flags = new ArrayList<>(configFile(Path.of(home).resolve(CONFIG_FILE)));
        flags.addAll(List.of(args));
        boolean nginxFlag = List.of(args).contains("--nginx");
        ServerConfig.Builder config = ServerConfig.defaults(Path.of(home)).toBuilder();
        boolean leaseGiven = false;
        for (int i = 0; i < flags.size(); i++) {
            String flag = flags.get(i);
            if (i + 1 >= flags.size()) {
                throw new ApolloException.Invalid("flag " + flag + " needs a value.");
            }
            String value = flags.get(++i);
            switch (flag) {
                case "--home" -> config.home = Path.of(value).toAbsolutePath();
                case "--listen" -> config.listen = listen(value);
                case "--advertise" -> config.advertise = Optional.of(AdvertisedAddress.parse(value));
                case "--max-instances" -> config.maxInstances = number(flag, value);
                case "--stop-grace" -> config.stopGrace = Duration.ofSeconds(number(flag, value));
                case "--maven-remote" -> config.mavenRemote = Optional.of(URI.create(value));
                case "--drain-ms" -> config.drainDelay = Duration.ofMillis(number(flag, value));
                case "--rollback-window" -> config.rollbackWindow = Duration.ofSeconds(number(flag, value));
                case "--web" -> config.gateway = value.equals("none") ? Optional.empty() : Optional.of(hostPort(value));
                case "--rpc" -> config.rpc = hostPort(value);
                case "--gateway" -> config.gatewayKind = ServerConfig.GatewayKind.parse(value);
                case "--nginx" -> config.nginx = Optional.of(Path.of(value));
                case "--scheduler" -> config.scheduler = Backends.scheduler(value);
                case "--store" -> config.store = Backends.store(value);
                case "--log-max-size" -> config.logs = config.logs.withMaxBytes(size(flag, value));
                case "--log-keep" -> config.logs = config.logs.withKeep(number(flag, value));
                case "--store-password-file" -> config.storePasswordFile = Optional.of(Path.of(value));
                case "--lease-ms" -> {
                    config.lease = Duration.ofMillis(number(flag, value));
                    leaseGiven = true;
                }
                case "--api-header-timeout-ms" -> config.apiLimits = new ApiLimits(Duration.ofMillis(atLeast(flag, value, 1)),
                        config.apiLimits.idleTimeout(), config.apiLimits.maxConnections());
                case "--api-idle-timeout-ms" -> config.apiLimits = new ApiLimits(config.apiLimits.headerTimeout(),
                        Duration.ofMillis(atLeast(flag, value, 1)), config.apiLimits.maxConnections());
                case "--api-max-connections" -> config.apiLimits = new ApiLimits(config.apiLimits.headerTimeout(),
                        config.apiLimits.idleTimeout(), atLeast(flag, value, ApiLimits.MIN_CONNECTIONS));
                default -> throw new ApolloException.Invalid("unknown flag " + flag + " (known: --home, --listen, --advertise,"
                        + " --max-instances, --stop-grace, --maven-remote, --drain-ms, --rollback-window, --web, --rpc,"
                        + " --gateway, --nginx, --scheduler, --store, --store-password-file, --lease-ms, --log-max-size,"
                        + " --log-keep, --api-header-timeout-ms, --api-idle-timeout-ms, --api-max-connections; in "
                        + CONFIG_FILE + " the same names without dashes).");
            }
        }
        ServerConfig built = config.build();
        if (nginxFlag && built.gatewayKind() != ServerConfig.GatewayKind.NGINX) {
            // Accepting it would let a forgotten --gateway nginx start the embedded gateway without a word.
            throw new ApolloException.Invalid("--nginx only applies to the nginx gateway; add --gateway nginx (or gateway = nginx"
                    + " in " + CONFIG_FILE + "), or drop --nginx.");
        }
        boolean shared = built.store() instanceof Backends.StoreChoice.Postgres;
        if (built.storePasswordFile().isPresent() && !shared) {
            throw onlyForPostgres("--store-password-file", "a postgresql:// store");
        }
        if (leaseGiven && !shared) {
            // Refused rather than ignored: whoever sets a lease expects a standby to take over, and a SQLite
            // store has no standby (one control plane opens the file).
            throw onlyForPostgres("--lease-ms", "control planes sharing a postgresql:// store (a SQLite store has one control"
                    + " plane and no standby)");
        }
        if (built.advertise().isPresent() && !shared) {
            throw onlyForPostgres("--advertise", "control planes sharing a postgresql:// store (it is what the others are"
                    + " told to reach this one at)");
        }
        if (shared && built.advertise().isEmpty() && AdvertisedAddress.isWildcard(built.listen().getHostString())) {
            // Advertised as it is, a wildcard leads the other control planes' CLIs and gateways nowhere.
            throw new ApolloException.Invalid("--listen " + built.listen().getHostString() + ":" + built.listen().getPort()
                    + " names no host the other control planes of the postgresql:// store can reach this one at; add"
                    + " --advertise HOST[:PORT] with this host's address (e.g. --advertise 10.0.0.5), or listen on that address.");
        }
        return built;
    }

    /** An option of a postgresql:// store given without one: refused with how to give the store, or to drop it. */
    private static ApolloException onlyForPostgres(String flag, String appliesTo) {
        return new ApolloException.Invalid(flag + " only applies to " + appliesTo + "; add --store"
                + " postgresql://HOST:PORT/DB?user=U (or store = ... in " + CONFIG_FILE + "), or drop " + flag + ".");
    }

    /** The config file as flags; {@code #} starts a comment. No file is no flags. */
    static List<String> configFile(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> flags = new ArrayList<>();
        try {
            int number = 0;
            for (String line : Files.readAllLines(file)) {
                number++;
                String text = line.replaceFirst("#.*", "").strip();
                if (text.isEmpty()) {
                    continue;
                }
                int eq = text.indexOf('=');
                if (eq <= 0) {
                    throw new ApolloException.Invalid(file + " line " + number + ": '" + line.strip()
                            + "' (expected: key = value, e.g. gateway = nginx)");
                }
                flags.add("--" + text.substring(0, eq).strip());
                flags.add(text.substring(eq + 1).strip());
            }
        } catch (IOException e) {
            throw new ApolloException.Invalid("cannot read " + file + ": " + e.getMessage());
        }
        return flags;
    }

    private static InetSocketAddress listen(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            throw new ApolloException.Invalid("--listen '" + value + "': expected HOST:PORT (e.g. 127.0.0.1:7700).");
        }
        int port = number("--listen port", value.substring(colon + 1));
        if (port > 65535) {
            throw new ApolloException.Invalid("--listen port " + port + " (expected: 0..65535)");
        }
        return new InetSocketAddress(value.substring(0, colon), port);
    }

    private static String hostPort(String value) {
        InetSocketAddress address = listen(value);
        return address.getHostString() + ":" + address.getPort();
    }

    private static long size(String flag, String value) {
        try {
            long bytes = LogLimits.parseSize(value);
            if (bytes < 1) {
                throw new IllegalArgumentException("log size '" + value + "': expected at least 1 byte (e.g. 10MiB).");
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw new ApolloException.Invalid(flag + ": " + e.getMessage());
        }
    }

    /** A number with a floor, refused in words that fit both a flag and its apollo.conf key. */
    private static int atLeast(String flag, String value, int min) {
        int n = number(flag, value);
        if (n < min) {
            throw new ApolloException.Invalid(flag + " " + n + ": expected at least " + min + " (a flag of apollo up, or "
                    + flag.substring(2) + " = N in " + CONFIG_FILE + ").");
        }
        return n;
    }

    private static int number(String flag, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ApolloException.Invalid(flag + " '" + value + "': expected a whole number >= 0.");
        }
    }
}
