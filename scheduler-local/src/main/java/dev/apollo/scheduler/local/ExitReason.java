package dev.apollo.scheduler.local;

import dev.apollo.core.port.ObservedInstance.Exit;
import java.util.Map;

/** The sentences people read when an instance ends. */
final class ExitReason {
    static final String STOPPED = "stopped by the platform";
    static final String ADOPTED = "exited (adopted from an earlier control plane; exit code unknown)";
    static final String WHILE_DOWN = "exited while the control plane was down";

    // The signals an instance realistically dies of; others are shown by number only.
    private static final Map<Integer, String> SIGNALS = Map.of(
            1, "SIGHUP", 2, "SIGINT", 3, "SIGQUIT", 4, "SIGILL", 6, "SIGABRT",
            8, "SIGFPE", 9, "SIGKILL", 11, "SIGSEGV", 13, "SIGPIPE", 15, "SIGTERM");

    private ExitReason() {}

    /**
     * Explains an exit code as the JDK reports it: on Unix a process killed by signal N shows as
     * 128 + N. A service that calls {@code System.exit(137)} reads as SIGKILL too; the code alone
     * cannot tell the two apart.
     */
    static String of(int code, boolean stopRequested) {
        if (stopRequested) {
            return STOPPED;
        }
        if (code == Exit.UNKNOWN_CODE) {
            return ADOPTED;
        }
        if (code > 128 && code < 160) {
            int signal = code - 128;
            String name = SIGNALS.get(signal);
            return "killed by signal " + signal + (name == null ? "" : " (" + name + ")");
        }
        return "exited with code " + code;
    }

    static String couldNotStart(String why) {
        return "could not start: " + why;
    }
}
