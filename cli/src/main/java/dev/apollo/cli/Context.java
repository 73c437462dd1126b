package dev.apollo.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * What a command may touch of the outside world, passed in so that tests run commands in-process.
 *
 * @param in what the user types or pipes in (a secret's value)
 * @param tty true when {@code out} is an interactive terminal (progress then redraws one line)
 * @param clock what "now" is when a command shows times relative to it ("since 1m15s ago"); tests fix it
 */
public record Context(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, boolean tty, Clock clock) {
    public boolean debug() {
        return "1".equals(env.get("APOLLO_DEBUG"));
    }

    public Instant now() {
        return clock.instant();
    }
}
