package dev.apollo.scheduler.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a process still runs. {@link ProcessHandle#isAlive()} counts a zombie (exited, not yet
 * reaped) as alive, and an adopted instance is not our child, so we cannot reap it: if its new
 * parent never does (a container whose PID 1 does not reap), it would look alive forever. On
 * Linux the process state in {@code /proc/<pid>/stat} tells the two apart.
 */
final class Liveness {
    private Liveness() {}

    static boolean isRunning(ProcessHandle process) {
        return process.isAlive() && !isZombie(process.pid());
    }

    private static boolean isZombie(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            String text = Files.readString(stat);
            // "pid (command) S ...": the command may hold spaces and parentheses, the state follows the last ')'.
            int end = text.lastIndexOf(')');
            return end > 0 && end + 2 < text.length() && text.charAt(end + 2) == 'Z';
        } catch (IOException | RuntimeException e) {
            return false; // no /proc (not Linux) or already gone: isAlive() has the say
        }
    }
}
