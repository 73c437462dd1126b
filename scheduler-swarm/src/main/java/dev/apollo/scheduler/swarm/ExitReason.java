package dev.apollo.scheduler.swarm;

import java.util.Map;

/** The sentences people read when a task ends, worded as the local scheduler words a process's end. */
final class ExitReason {
    static final String STOPPED = "stopped by the platform";

    private static final Map<Integer, String> SIGNALS = Map.of(
            1, "SIGHUP", 2, "SIGINT", 3, "SIGQUIT", 4, "SIGILL", 6, "SIGABRT",
            8, "SIGFPE", 9, "SIGKILL", 11, "SIGSEGV", 13, "SIGPIPE", 15, "SIGTERM");

    private ExitReason() {}

    static String of(TaskView task, boolean stopRequested) {
        if (stopRequested) {
            return STOPPED;
        }
        if (task.state().equals("rejected") || task.exitCode().isEmpty()) {
            // The engine could not start it (no such image, no memory): its own words say why.
            return couldNotStart(task.error().isBlank() ? "the task ended " + task.state() : task.error());
        }
        int code = task.exitCode().get();
        if (code == 137 && task.error().contains("OOM")) {
            return "killed by the engine: out of memory (raise --memory)";
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
