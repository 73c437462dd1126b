package dev.apollo.core.port;

import java.util.Map;

/** The sentences people read when an instance ends, worded alike by every scheduler. */
public final class ExitWords {
    public static final String STOPPED = "stopped by the platform";

    // The signals an instance realistically dies of; others are shown by number only.
    private static final Map<Integer, String> SIGNALS = Map.of(
            1, "SIGHUP", 2, "SIGINT", 3, "SIGQUIT", 4, "SIGILL", 6, "SIGABRT",
            8, "SIGFPE", 9, "SIGKILL", 11, "SIGSEGV", 13, "SIGPIPE", 15, "SIGTERM");

    private ExitWords() {}

    /**
     * An exit code as a process's parent sees it: on Unix a process killed by signal N shows as
     * 128 + N. A service that calls {@code System.exit(137)} reads as SIGKILL too; the code alone
     * cannot tell the two apart.
     */
    public static String ofCode(int code) {
        if (code > 128 && code < 160) {
            int signal = code - 128;
            String name = SIGNALS.get(signal);
            return "killed by signal " + signal + (name == null ? "" : " (" + name + ")");
        }
        return "exited with code " + code;
    }

    public static String couldNotStart(String why) {
        return "could not start: " + why;
    }
}
