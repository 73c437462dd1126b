package dev.apollo.server.http;

import dev.apollo.api.Views.HealthCheckRequest;
import dev.apollo.api.Views.ProbeRequest;
import dev.apollo.core.ApolloException;
import dev.apollo.core.model.HealthCheck;
import dev.apollo.core.model.Probe;
import dev.apollo.server.probe.CommandProbe;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * A deploy's health check as the API gives it, checked: every field within bounds, and a command
 * probe's program present on this machine now, so a deploy that could never pass is refused
 * before anything starts instead of failing at its deadline.
 */
final class HealthCheckRequests {
    private final Predicate<String> programExists;

    /** @param programExists whether a command probe's program (a path or a name on PATH) can be run here */
    HealthCheckRequests(Predicate<String> programExists) {
        this.programExists = programExists;
    }

    static HealthCheckRequests onThisMachine() {
        return new HealthCheckRequests(program -> CommandProbe.locate(program).isPresent());
    }

    HealthCheck read(HealthCheckRequest request) {
        HealthCheck defaults = HealthCheck.DEFAULT;
        if (request == null) {
            return defaults;
        }
        Probe either = request.path() == null ? HealthCheck.DEFAULT_PROBE : new Probe.Http(request.path());
        return new HealthCheck(
                request.readiness() == null ? either : probe("health.readiness", request.readiness()),
                request.liveness() == null ? either : probe("health.liveness", request.liveness()),
                millis("health.graceMs", request.graceMs(), defaults.grace()),
                millis("health.intervalMs", request.intervalMs(), defaults.interval()),
                millis("health.timeoutMs", request.timeoutMs(), defaults.timeout()),
                request.failureThreshold() == null ? defaults.failureThreshold() : request.failureThreshold());
    }

    private Probe probe(String field, ProbeRequest request) {
        String type = request.type() == null ? "" : request.type();
        boolean http = type.equals("http");
        boolean command = type.equals("command");
        if (request.path() != null && !http) {
            throw new ApolloException.Invalid(field + ".path is for type http, not '" + type + "'.");
        }
        if (request.command() != null && !command) {
            throw new ApolloException.Invalid(field + ".command is for type command, not '" + type + "'.");
        }
        return switch (type) {
            case "http" -> {
                if (request.path() == null) {
                    throw new ApolloException.Invalid(field + ".path is missing (e.g. \"/ready\").");
                }
                yield new Probe.Http(request.path());
            }
            case "tcp" -> new Probe.Tcp();
            case "command" -> {
                if (request.command() == null) {
                    throw new ApolloException.Invalid(field + ".command is missing (e.g. [\"/usr/local/bin/check\", \"--quick\"]).");
                }
                yield runnable(field, new Probe.Command(request.command()));
            }
            default -> throw new ApolloException.Invalid(field + ".type '" + type + "' (expected: http, tcp or command).");
        };
    }

    private Probe.Command runnable(String field, Probe.Command command) {
        if (!programExists.test(command.program())) {
            String program = command.program();
            throw new ApolloException.Invalid(field + ": the command probe's program '" + program + "' "
                    + (program.startsWith("/")
                            ? "is not an executable file on the control plane's machine, where probes run: install it there or"
                                    + " correct the path."
                            : "is not an executable file on the control plane's PATH (" + System.getenv("PATH") + "), where"
                                    + " probes run: install it there or give its absolute path."));
        }
        return command;
    }

    private static Duration millis(String field, Integer value, Duration fallback) {
        if (value == null) {
            return fallback;
        }
        if (value < 0 || value > 3_600_000) {
            throw new ApolloException.Invalid(field + ": " + value + " (expected: 0..3600000 milliseconds)");
        }
        return Duration.ofMillis(value);
    }
}
