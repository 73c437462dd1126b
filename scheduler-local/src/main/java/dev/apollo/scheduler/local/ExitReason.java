package dev.apollo.scheduler.local;

import dev.apollo.core.port.ExitWords;
import dev.apollo.core.port.ObservedInstance.Exit;

/** The sentences people read when an instance's process ends. */
final class ExitReason {
    static final String STOPPED = ExitWords.STOPPED;
    static final String ADOPTED = "exited (adopted from an earlier control plane; exit code unknown)";
    static final String WHILE_DOWN = "exited while the control plane was down";

    private ExitReason() {}

    /** Explains an exit code as the JDK reports it (see {@link ExitWords#ofCode}). */
    static String of(int code, boolean stopRequested) {
        if (stopRequested) {
            return STOPPED;
        }
        if (code == Exit.UNKNOWN_CODE) {
            return ADOPTED;
        }
        return ExitWords.ofCode(code);
    }

    static String couldNotStart(String why) {
        return ExitWords.couldNotStart(why);
    }
}
