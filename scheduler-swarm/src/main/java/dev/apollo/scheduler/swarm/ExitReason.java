package dev.apollo.scheduler.swarm;

import dev.apollo.core.port.ExitWords;

/** The sentences people read when a task ends, worded as the local scheduler words a process's end. */
final class ExitReason {
    static final String STOPPED = ExitWords.STOPPED;

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
        return ExitWords.ofCode(code);
    }

    static String couldNotStart(String why) {
        return ExitWords.couldNotStart(why);
    }
}
