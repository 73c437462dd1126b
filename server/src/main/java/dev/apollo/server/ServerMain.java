package dev.apollo.server;

import dev.apollo.core.ApolloException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Runs a control plane in this process until {@code apollo down} or a signal. Started by
 * {@code apollo up}; flags: {@code --home DIR --listen HOST:PORT --max-instances N
 * --stop-grace SECONDS --maven-remote URL}.
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
        ControlPlane plane;
        try {
            plane = ControlPlane.start(config);
        } catch (RuntimeException e) {
            System.err.println("apollo server: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        // A signal stops the control plane only; instances keep serving and are adopted on the next start.
        Runtime.getRuntime().addShutdownHook(new Thread(plane::close, "apollo-signal"));
        System.out.println("Apollo control plane listening on " + plane.url() + " (data dir " + config.home() + ", pid "
                + ProcessHandle.current().pid() + ")");
        plane.awaitStopped();
        System.out.println("Apollo control plane stopped.");
        System.exit(0);
    }

    static ServerConfig parse(String[] args) {
        String home = Optional.ofNullable(System.getenv("APOLLO_HOME"))
                .orElse(Path.of(System.getProperty("user.home"), ".apollo").toString());
        ServerConfig config = ServerConfig.defaults(Path.of(home));
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new ApolloException.Invalid("flag " + flag + " needs a value.");
            }
            String value = args[++i];
            config = switch (flag) {
                case "--home" -> config.withHome(Path.of(value).toAbsolutePath());
                case "--listen" -> config.withListen(listen(value));
                case "--max-instances" -> config.withMaxInstances(number(flag, value));
                case "--stop-grace" -> config.withStopGrace(Duration.ofSeconds(number(flag, value)));
                case "--maven-remote" -> config.withMavenRemote(Optional.of(URI.create(value)));
                case "--drain-ms" -> config.withDrainDelay(Duration.ofMillis(number(flag, value)));
                case "--rollback-window" -> config.withRollbackWindow(Duration.ofSeconds(number(flag, value)));
                case "--web" -> config.withGateway(value.equals("none") ? Optional.empty() : Optional.of(hostPort(value)));
                case "--rpc" -> config.withRpc(hostPort(value));
                default -> throw new ApolloException.Invalid("unknown flag " + flag + " (known: --home, --listen,"
                        + " --max-instances, --stop-grace, --maven-remote, --drain-ms, --rollback-window, --web, --rpc).");
            };
        }
        return config;
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
