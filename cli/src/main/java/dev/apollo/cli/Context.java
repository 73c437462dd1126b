package dev.apollo.cli;

import java.io.PrintStream;
import java.util.Map;

/**
 * What a command may touch of the outside world, passed in so that tests run commands in-process.
 *
 * @param tty true when {@code out} is an interactive terminal (progress then redraws one line)
 */
public record Context(PrintStream out, PrintStream err, Map<String, String> env, boolean tty) {
    public boolean debug() {
        return "1".equals(env.get("APOLLO_DEBUG"));
    }
}
