package dev.apollo.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/** One in-process run of the CLI with captured output. */
public record Run(int exitCode, String out, String err) {
    public static Run of(Map<String, String> env, String... args) {
        return at(Clock.systemUTC(), env, args);
    }

    /** A run whose "now" is the clock's, for output with times relative to it ("since 1m15s ago"). */
    public static Run at(Clock clock, Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Context context = new Context(new java.io.ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, false, clock);
        int code = Main.run(args, context);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
