package dev.apollo.process;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Stops a process politely: a gentle signal, the grace to finish what it is doing, then SIGKILL if it
 * still runs. Works on processes that are not our child: whether it still runs is looked at
 * ({@link Processes#running}), not waited for with {@link ProcessHandle#onExit()}, which for a
 * non-child completes only once someone reaps it, so never for a zombie nobody reaps.
 *
 * <p>A gentle signal that cannot be sent is not an error: the process is gone already, or it is not
 * ours to signal, and then SIGKILL at the grace is all there is left to try.
 *
 * @param gentle what asks it to stop: {@link Signal#TERM}, or {@link Signal#QUIT} for nginx
 * @param grace how long it has before SIGKILL; zero kills it right after the gentle signal
 */
public record GracefulStop(Signal gentle, Duration grace) {
    /** A stopping process is looked at this often: stopping is usually quick, and a look costs a file read. */
    private static final long POLL_MILLIS = 10;

    public GracefulStop {
        Objects.requireNonNull(gentle, "gentle");
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace: " + grace + " (expected: >= 0)");
        }
    }

    /**
     * Stops the process and returns once it no longer runs or SIGKILL is sent, whichever comes first.
     * Interrupted, it sends SIGKILL at once: nobody is waiting for the grace any more.
     *
     * @return true when the process ended within the grace, false when it had to be killed
     */
    public boolean stop(ProcessHandle process) {
        askGently(process);
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            while (Processes.running(process)) {
                if (System.nanoTime() - deadline >= 0) {
                    process.destroyForcibly();
                    return false;
                }
                Thread.sleep(POLL_MILLIS);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return false;
        }
    }

    /**
     * Sends the gentle signal now and returns; {@code timer} sends SIGKILL at the grace if the process
     * still runs then. The SIGKILL is dropped with the timer if it is shut down first: a caller that
     * keeps the deadline elsewhere can resume it later.
     */
    public void stopLater(ProcessHandle process, ScheduledExecutorService timer) {
        askGently(process);
        timer.schedule(() -> killIfRunning(process), grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void askGently(ProcessHandle process) {
        try {
            gentle.send(process);
        } catch (ProcessException e) {
            // gone already, or not ours to signal: see the class comment
        }
    }

    private static void killIfRunning(ProcessHandle process) {
        // destroyForcibly checks the start time too: a later process with the same pid is never hit.
        if (Processes.running(process)) {
            process.destroyForcibly();
        }
    }
}
