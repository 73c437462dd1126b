package dev.apollo.process;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The signals a process is asked to do something with; SIGKILL is {@link ProcessHandle#destroyForcibly()}. */
public enum Signal {
    /** Stop: most programs finish what they are doing and exit. */
    TERM,
    /** nginx: stop gracefully (workers finish their requests); most other programs just die of it. */
    QUIT,
    /** nginx: re-read the configuration. */
    HUP,
    /** nginx: reopen its log files (after they were renamed for rotation). */
    USR1;

    /**
     * Sends the signal.
     *
     * @throws ProcessException when it could not be sent: the process is gone, or is not ours to signal
     */
    public void send(ProcessHandle process) {
        // Both ways check that the process is the one the handle was made for, not a later one with its pid.
        if (this == TERM) {
            if (!process.destroy()) {
                throw new ProcessException("cannot send TERM to process " + process.pid() + ": it is gone or not ours to signal");
            }
            return;
        }
        if (!process.isAlive()) {
            throw new ProcessException("cannot send " + this + " to process " + process.pid() + ": it is gone");
        }
        kill(process.pid());
    }

    // The JDK sends only TERM and KILL; any other signal takes the kill command.
    private void kill(long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-s", name(), Long.toString(pid)).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            // kill says at most a line and exits at once: its output is read to the end, then its exit code.
            String said = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (kill.waitFor() != 0) {
                throw new ProcessException("cannot send " + this + " to process " + pid + ": " + said);
            }
        } catch (IOException e) {
            throw new ProcessException("cannot send " + this + " to process " + pid + ": cannot run kill (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProcessException("interrupted while sending " + this + " to process " + pid);
        }
    }
}
