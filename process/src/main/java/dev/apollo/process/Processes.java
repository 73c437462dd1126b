package dev.apollo.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What can be told of a process from outside, including one that is not our child: a process
 * started by an earlier control plane, or one that daemonized itself. On Linux the answers come
 * from {@code /proc}; elsewhere from {@link ProcessHandle.Info}, which knows less.
 */
public final class Processes {
    private Processes() {}

    /**
     * Whether the process still runs. {@link ProcessHandle#isAlive()} counts a zombie (exited, not yet
     * reaped) as alive, and only its parent can reap it: a process we did not start is reaped by init,
     * or never, in a container whose PID 1 does not reap. The state in {@code /proc/<pid>/stat} tells
     * the two apart. Like {@code isAlive}, it checks the start time, so a reused pid is not taken for it.
     */
    public static boolean running(ProcessHandle process) {
        return process.isAlive() && !zombie(process.pid());
    }

    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // "pid (command) S ...": the command may hold spaces and parentheses, the state follows the last ')'.
            int end = stat.lastIndexOf(')');
            return end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) == 'Z';
        } catch (IOException | RuntimeException e) {
            return false; // no /proc (not Linux) or already gone: isAlive() has the say
        }
    }

    /**
     * The command line as the process shows it now, its arguments joined by spaces; "" for a zombie or
     * a process that is gone. From {@code /proc/<pid>/cmdline} rather than {@link ProcessHandle.Info}:
     * a process that rewrites its title (nginx: "nginx: master process ...") shows the title there.
     */
    public static String commandLine(ProcessHandle process) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline")).replace('\0', ' ').stripTrailing();
        } catch (IOException e) {
            return process.info().commandLine().orElse("");
        }
    }

    /** The arguments the process was started with, without the program; empty when it is gone or hidden from us. */
    public static List<String> arguments(ProcessHandle process) {
        Optional<String[]> arguments = process.info().arguments();
        if (arguments.isPresent()) {
            return List.of(arguments.get());
        }
        // Some platforms give only the joined command line. An argument with a space in it then
        // matches nothing, which errs on the side of touching nothing.
        return process.info().commandLine().map(line -> List.of(line.split(" "))).orElse(List.of());
    }

    /**
     * The running processes, this JVM aside, with {@code marker} among their arguments, exactly: how
     * a process we started is found again when its pid was never written down or may name another
     * process by now (after a reboot). A marker should name what it marks, e.g. {@code --state-file=/abs/path}.
     */
    public static List<ProcessHandle> carrying(String marker) {
        long us = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(process -> process.pid() != us)
                .filter(process -> arguments(process).contains(marker))
                .filter(Processes::running)
                .toList();
    }
}
