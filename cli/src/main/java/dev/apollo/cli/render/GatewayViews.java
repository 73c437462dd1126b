package dev.apollo.cli.render;

import dev.apollo.api.Views.GatewayView;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** How `apollo gateway status` shows the gateway, and the warning `apollo status` adds when nginx refused a config. */
public final class GatewayViews {
    private static final int SHORT_DIGEST = 12;

    private GatewayViews() {}

    public static void printStatus(GatewayView g, Instant now, PrintStream out) {
        out.println("gateway: " + g.kind());
        out.println("  web:        " + orNone(g.web()));
        out.println("  rpc:        " + orNone(g.rpc()));
        if (!"nginx".equals(g.kind())) {
            processes(g).ifPresent(line -> out.println("  state:      " + line));
            if (g.lastError() != null) {
                out.println("  last error: " + oneLine(g.lastError())
                        + (g.lastErrorAt() == null ? "" : " (at " + Times.shortIso(g.lastErrorAt()) + ", " + Times.relative(g.lastErrorAt(), now) + ")"));
            }
            return;
        }
        out.println("  nginx:      " + orUnknown(g.binary()) + (g.engineVersion() == null ? "" : " " + g.engineVersion()));
        out.println("  serves:     " + serving(g, now));
        out.println("  reloads:    " + (g.reloads() == null ? 0 : g.reloads())
                + (g.lastApplyMs() == null ? "" : ", last apply " + g.lastApplyMs() + " ms"));
        if (g.retiringWorkers() != null && g.retiringWorkers() > 0) {
            out.println("  retiring:   " + g.retiringWorkers() + " old worker(s) still finishing their requests");
        }
        if (g.lastError() != null) {
            out.println("  last error: " + oneLine(g.lastError())
                    + (g.lastErrorAt() == null ? "" : " (at " + Times.shortIso(g.lastErrorAt()) + ", " + Times.relative(g.lastErrorAt(), now) + ")"));
        }
    }

    /**
     * The line `apollo status` prints under the services while the gateway reports trouble (a config
     * nginx refused, an nginx that had to be started again), so it is not missed.
     */
    public static Optional<String> refusedConfigWarning(GatewayView g) {
        if (g == null || g.lastError() == null) {
            return Optional.empty();
        }
        return Optional.of("gateway (" + g.kind() + ")"
                + (g.lastErrorAt() == null ? "" : " at " + Times.shortIso(g.lastErrorAt())) + ": " + oneLine(g.lastError())
                + "   (details: apollo gateway status)");
    }

    /**
     * Whether the embedded gateway serves right now, with its processes and restarts:
     * {@code serving (process 123 serves, 456 stands by; 1 restart)}; empty from a control plane
     * that does not tell.
     */
    public static Optional<String> processes(GatewayView g) {
        if (g.state() == null) {
            return Optional.empty();
        }
        String pids;
        if (g.pids() == null || g.pids().isEmpty()) {
            pids = "no process runs";
        } else if (g.serving() == null) { // a control plane whose processes all serve
            pids = (g.pids().size() == 1 ? "process " : "processes ") + g.pids().stream().map(String::valueOf)
                    .collect(Collectors.joining(", "));
        } else {
            pids = "process " + g.pids().stream().map(pid -> pid + (pid.equals(g.serving()) ? " serves" : " stands by"))
                    .collect(Collectors.joining(", "));
        }
        int restarts = g.restarts() == null ? 0 : g.restarts();
        return Optional.of(g.state() + " (" + pids + "; " + restarts + (restarts == 1 ? " restart" : " restarts") + ")");
    }

    private static String serving(GatewayView g, Instant now) {
        if (g.appliedRoutesVersion() == null) {
            return "no route table yet (nginx has not accepted a config)";
        }
        return "route table v" + g.appliedRoutesVersion()
                + (g.appliedConfig() == null ? "" : " (config " + shortDigest(g.appliedConfig()) + ")")
                + (g.appliedAt() == null ? "" : " since " + Times.shortIso(g.appliedAt()) + " (" + Times.relative(g.appliedAt(), now) + ")");
    }

    /** The first hex digits are enough to tell two configs apart by eye. */
    static String shortDigest(String digest) {
        return digest.length() <= SHORT_DIGEST ? digest : digest.substring(0, SHORT_DIGEST);
    }

    /** nginx's complaints span lines (the error, then "test failed"); a status line must stay one line. */
    static String oneLine(String text) {
        return Arrays.stream(text.strip().split("\\R")).map(String::strip).filter(l -> !l.isEmpty())
                .collect(Collectors.joining("; "));
    }

    private static String orNone(String address) {
        return address == null ? "none" : address;
    }

    private static String orUnknown(String value) {
        return value == null ? "(unknown binary)" : value;
    }
}
