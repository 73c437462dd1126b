package dev.apollo.core.model;

import dev.apollo.core.ApolloException;
import java.util.List;

/**
 * One way of asking an instance whether it is fine, sent from the control plane's machine: an
 * HTTP request, a TCP connect, or a command. Each passes or fails within the health check's
 * timeout; what that answer means (traffic or restarts) is the {@link HealthCheck}'s business.
 */
public sealed interface Probe {

    /** How messages name the probe: {@code GET /ready}, {@code TCP connect}, {@code command /usr/bin/check --x}. */
    String describe();

    /** {@code GET path} on the instance's address; passes on any 2xx. */
    record Http(String path) implements Probe {
        public Http {
            if (path == null || !path.startsWith("/") || path.contains("..") || path.chars().anyMatch(c -> c <= ' ')) {
                throw new ApolloException.Invalid("health check path '" + path
                        + "': expected an absolute URL path without spaces or '..' (e.g. /health/is_alive).");
            }
        }

        @Override
        public String describe() {
            return "GET " + path;
        }
    }

    /** A TCP connection to the instance's port; passes once it is accepted. */
    record Tcp() implements Probe {
        @Override
        public String describe() {
            return "TCP connect";
        }
    }

    /**
     * A program run on the control plane's machine, with the instance's address in
     * {@code APOLLO_INSTANCE_HOST} and {@code APOLLO_INSTANCE_PORT}; passes when it exits 0.
     *
     * @param argv the program (an absolute path, or a name looked up on the control plane's PATH) and its arguments
     */
    record Command(List<String> argv) implements Probe {
        public Command {
            if (argv == null || argv.isEmpty() || argv.getFirst() == null || argv.getFirst().isBlank()) {
                throw new ApolloException.Invalid("health check command " + argv
                        + ": expected a program and its arguments (e.g. [\"/usr/local/bin/check\", \"--quick\"]).");
            }
            if (argv.stream().anyMatch(arg -> arg == null || arg.indexOf('\0') >= 0)) {
                throw new ApolloException.Invalid("health check command " + argv + ": an argument is null or holds a NUL character.");
            }
            String program = argv.getFirst();
            if (program.contains("/") && !program.startsWith("/")) {
                // Relative to what? The control plane's working directory is nobody's business.
                throw new ApolloException.Invalid("health check command '" + program
                        + "': expected an absolute path (/usr/local/bin/check) or a name on the control plane's PATH (check).");
            }
            argv = List.copyOf(argv);
        }

        public String program() {
            return argv.getFirst();
        }

        @Override
        public String describe() {
            return "command " + String.join(" ", argv);
        }
    }
}
