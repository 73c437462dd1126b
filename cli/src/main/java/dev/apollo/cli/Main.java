package dev.apollo.cli;

import dev.apollo.client.ApolloClientException;
import dev.apollo.client.ServerUnavailableException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/** The {@code apollo} command. Errors become one {@code apollo: ...} line and an exit code, never a stack trace. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    /** Runs one command line in-process; returns the exit code (see {@link ExitCodes}). */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        return run(args, new Context(System.in, out, err, env, out == System.out && interactive(), Clock.systemUTC()));
    }

    /** Runs one command line in-process with everything it may touch given, e.g. a fixed clock. */
    public static int run(String[] args, Context context) {
        PrintStream out = context.out();
        PrintStream err = context.err();
        CommandLine commandLine = new CommandLine(new ApolloCommand(context))
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .setParameterExceptionHandler((e, arguments) -> usageError(e, err))
                .setExecutionExceptionHandler((e, cl, parsed) -> failure(e, cl, context));
        try {
            return commandLine.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static int usageError(ParameterException error, PrintStream err) {
        // picocli checks required options and parameters before it complains of unknown ones, so a mistyped
        // option (scale --count 3) would be told as the missing one it meant (--instances): name the typo first.
        // Only option-like words: the value after an unknown option ("3") is unmatched too, but no mistake of its own.
        CommandLine command = error.getCommandLine();
        List<String> unknown = command.getUnmatchedArguments().stream().filter(a -> a.startsWith("-")).toList();
        ParameterException e = error instanceof UnmatchedArgumentException || unknown.isEmpty()
                ? error : new UnmatchedArgumentException(command, unknown);
        err.println("apollo: " + e.getMessage());
        PrintWriter writer = new PrintWriter(err, true);
        UnmatchedArgumentException.printSuggestions(e, writer);
        err.println("See '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
        return ExitCodes.USAGE;
    }

    private static int failure(Exception e, CommandLine command, Context context) {
        PrintStream err = context.err();
        int code;
        if (e instanceof CliException cli) {
            err.println("apollo: " + cli.getMessage());
            code = cli.exitCode();
            if (code == ExitCodes.USAGE) {
                err.println("See '" + command.getCommandSpec().qualifiedName() + " --help'.");
            }
        } else if (e instanceof ServerUnavailableException unavailable) {
            err.println("apollo: " + unavailable.getMessage());
            code = ExitCodes.UNREACHABLE;
        } else if (e instanceof ApolloClientException client) {
            err.println("apollo: " + client.getMessage());
            code = ExitCodes.FAILED;
        } else {
            err.println("apollo: unexpected error: " + e
                    + (context.debug() ? "" : " (set APOLLO_DEBUG=1 to see where it happened)"));
            code = ExitCodes.FAILED;
        }
        if (context.debug()) {
            e.printStackTrace(err);
        }
        return code;
    }

    /**
     * True when stdout is a terminal. From JDK 22 System.console() is non-null even when output
     * is redirected and Console.isTerminal() tells; we build for 21, hence the reflection.
     */
    private static boolean interactive() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = java.io.Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
