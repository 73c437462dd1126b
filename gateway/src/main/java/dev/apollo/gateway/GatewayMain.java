package dev.apollo.gateway;

import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -cp ... dev.apollo.gateway.GatewayMain --control URL --token-file PATH --web HOST:PORT
 * --domain D --state-file PATH --routes-cache PATH}: the gateway as its own process. Exits 2 on
 * bad flags, 1 when it cannot start; runs until SIGTERM otherwise.
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
        System.err.println("apollo-gateway: listening on " + config.webHost() + ":" + gateway.webPort()
                + " for *." + config.domain() + (config.control().map(c -> ", routes from " + c).orElse("")));
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
                case "--token-file" -> builder.tokenFile(Path.of(value));
                case "--web" -> web(builder, value);
                case "--domain" -> builder.domain(value);
                case "--state-file" -> builder.stateFile(Path.of(value));
                case "--routes-cache" -> builder.routesCache(Path.of(value));
                case "--event-loops" -> builder.eventLoops(integer(flag, value));
                default -> throw new IllegalArgumentException("unknown flag " + flag);
            }
        }
        return builder.build();
    }

    private static void web(GatewayConfig.Builder builder, String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--web " + value + " (expected: HOST:PORT, e.g. 127.0.0.1:8080)");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        builder.web(host, integer("--web port", value.substring(colon + 1)));
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
                usage: GatewayMain [--control URL | --control-file PATH] [--token-file PATH] [--web HOST:PORT] [--domain D]
                                   [--state-file PATH] [--routes-cache PATH] [--event-loops N]
                  --control       control plane base URL (routes are followed from URL/v1/routes/stream)
                  --control-file  the control plane's server.json: its url is read again before every connection
                  --token-file    file holding the bearer token for the control plane
                  --web           where to listen (default 127.0.0.1:8080; port 0 = any free port)
                  --domain        production is at Host D, environment E at E.D (default apollo.localhost)
                  --state-file    where to write {"pid","web","routesVersion"} after binding and on each new table
                  --routes-cache  where to keep the last table, loaded at start when the control plane is down""";
    }
}
