package dev.apollo.gateway;

import dev.apollo.process.CappedOutput;
import dev.apollo.process.LogLimits;
import dev.apollo.routing.GatewayException;
import io.netty.util.ResourceLeakDetector;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -cp ... dev.apollo.gateway.GatewayMain --control URL --token-file PATH --web HOST:PORT
 * --rpc HOST:PORT --domain D --state-file PATH --routes-cache PATH}: the gateway as its own process.
 * Exits 2 on bad flags, 1 when it cannot start; runs until SIGTERM otherwise.
 */
public final class GatewayMain {
    private GatewayMain() {}

    public static void main(String[] args) throws InterruptedException {
        GatewayConfig config;
        try {
            config = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("apollo-gateway: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        // Before anything logs: Netty's and our log handlers keep the stream they start with.
        CappedOutput.install(config.logs());
        // Netty's leak detector samples buffers and records where each message went (touch) on every hop: a
        // cost per request for a bug the tests' gateways (in-process, detector on) would show. Off in the process,
        // unless asked for with -Dio.netty.leakDetection.level.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        Gateway gateway;
        try {
            gateway = Gateway.start(config);
        } catch (GatewayException e) {
            System.err.println("apollo-gateway: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "apollo-gateway-shutdown"));
        System.err.println("apollo-gateway: " + (gateway.serving() ? "" : "standing by to serve ") + "web on " + config.webHost() + ":" + gateway.webPort() + " for *." + config.domain()
                + (config.rpcEnabled()
                        ? ", RPC on " + config.rpcHost() + ":" + gateway.rpcPort() + " for *." + config.rpcSuffix() : "")
                + (config.control().map(c -> ", routes from " + c).orElse("")));
        stopped.await();
    }

    /** Flags to config; throws IllegalArgumentException with a message naming the bad flag. */
    public static GatewayConfig parse(String[] args) {
        GatewayConfig.Builder builder = GatewayConfig.builder();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            String value;
            int eq = flag.indexOf('=');
            if (flag.startsWith("--") && eq > 0) {
                value = flag.substring(eq + 1);
                flag = flag.substring(0, eq);
            } else if (flag.equals("--help") || flag.equals("-h")) {
                System.out.println(usage());
                System.exit(0);
                return builder.build();
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag + ": missing value");
                }
                value = args[++i];
            }
            switch (flag) {
                case "--control" -> builder.control(URI.create(value));
                case "--control-file" -> builder.controlFile(Path.of(value));
                case "--peers-file" -> builder.peersFile(Path.of(value));
                case "--token-file" -> builder.tokenFile(Path.of(value));
                case "--web" -> builder.web(host(flag, value), port(flag, value));
                case "--rpc" -> {
                    if (value.equals("none")) {
                        builder.noRpc();
                    } else {
                        builder.rpc(host(flag, value), port(flag, value));
                    }
                }
                case "--rpc-suffix" -> builder.rpcSuffix(value);
                case "--external-timeout" -> builder.externalTimeout(duration(flag, value));
                case "--domain" -> builder.domain(value);
                case "--state-file" -> builder.stateFile(Path.of(value));
                case "--routes-cache" -> builder.routesCache(Path.of(value));
                case "--event-loops" -> builder.eventLoops(integer(flag, value));
                case "--log-max-size" -> builder.logMaxBytes(LogLimits.parseSize(value));
                case "--log-keep" -> builder.logKeep(integer(flag, value));
                case "--shared-ports" -> builder.sharedPorts(bool(flag, value));
                case "--serving-lock" -> builder.servingLock(Path.of(value));
                case "--hand-off" -> builder.handOff(Path.of(value));
                case "--hand-off-from" -> builder.handOffFrom(Path.of(value));
                default -> throw new IllegalArgumentException("unknown flag " + flag);
            }
        }
        return builder.build();
    }

    private static String host(String flag, String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(flag + " " + value + " (expected: HOST:PORT, e.g. 127.0.0.1:"
                    + (flag.equals("--rpc") ? "9090" : "8080") + ")");
        }
        String host = value.substring(0, colon);
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static int port(String flag, String value) {
        return integer(flag + " port", value.substring(value.lastIndexOf(':') + 1));
    }

    /** {@code 30s}, {@code 500ms}, {@code 2m}, or a number of seconds. */
    private static Duration duration(String flag, String value) {
        String text = value.trim();
        try {
            if (text.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            }
            if (text.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(text.endsWith("s") ? text.substring(0, text.length() - 1) : text));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": '" + value + "' (expected: a duration like 30s, 500ms or 2m)");
        }
    }

    private static boolean bool(String flag, String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(flag + ": '" + value + "' (expected: true or false)");
        };
    }

    private static int integer(String flag, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": '" + value + "' (expected: a number)");
        }
    }

    private static String usage() {
        return """
                usage: GatewayMain [--control URL | --control-file PATH] [--peers-file PATH] [--token-file PATH] [--web HOST:PORT] [--domain D]
                                   [--rpc HOST:PORT|none] [--rpc-suffix S] [--external-timeout DURATION]
                                   [--state-file PATH] [--routes-cache PATH] [--event-loops N] [--shared-ports true]
                                   [--serving-lock PATH] [--hand-off PATH] [--hand-off-from PATH]
                                   [--log-max-size SIZE] [--log-keep N]
                  --control           control plane base URL (routes are followed from URL/v1/routes/stream)
                  --control-file      the control plane's server.json: its url is read again before every connection
                  --peers-file        the control plane's peers.json: the other control planes of its cluster, asked
                                      in turn (the first that answers names the leader) when it does not answer
                  --token-file        file holding the bearer token for the control plane
                  --web               where to listen for web traffic (default 127.0.0.1:8080; port 0 = any free port)
                  --domain            web: production is at Host D, environment E at E.D (default apollo.localhost)
                  --rpc               where to listen for RPC calls, POST /SERVICE/METHOD or /EXTERNAL/PATH
                                      (default 127.0.0.1:9090; port 0 = any free port; none = no RPC listener)
                  --rpc-suffix        RPC: production is at Host S, environment E at E.S (default rpc.int); the
                                      X-Apollo-Env header, baggage apollo.env=E and a /_env/E/ path prefix also select E
                  --external-timeout  how long an external may stay silent before the caller gets a 504 (default 30s)
                  --state-file        where to write {"pid","web","rpc","routesVersion"} after binding and on each new table
                  --routes-cache      where to keep the last table, loaded at start when the control plane is down
                  --event-loops       threads serving requests (default: one per core)
                  --shared-ports      true: other gateway processes may listen on the same ports (SO_REUSEPORT, Linux),
                                      the kernel spreading connections over them (default false)
                  --serving-lock      of the processes naming this file, the one holding its lock serves; the others
                                      stand by and take over the moment it is released (the holder exits)
                  --hand-off          a Unix socket where it offers its listening sockets to a process starting beside it
                  --hand-off-from     the other process's --hand-off: its listening sockets are taken from there at
                                      start, so no connection is refused while one process replaces another (Linux)
                  --log-max-size      when its output goes to a file: rotate it past SIZE, e.g. 10MiB (default 10MiB)
                  --log-keep          rotated copies of that file kept (default 2)""";
    }
}
