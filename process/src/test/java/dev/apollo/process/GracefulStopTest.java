package dev.apollo.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class GracefulStopTest {
    private static final Duration GRACE = Duration.ofMillis(500);

    @RegisterExtension
    final Children children = new Children();

    @TempDir
    Path dir;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void aProcessThatStopsOnTermEndsWithinTheGrace() throws IOException {
        Process process = children.start(Launch.of(List.of("sleep", "30")).inOwnSession());

        long started = System.nanoTime();
        boolean ended = new GracefulStop(Signal.TERM, Duration.ofSeconds(10)).stop(process.toHandle());

        assertThat(ended).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(Processes.running(process.toHandle())).isFalse();
    }

    @Test
    void aProcessThatIgnoresTermIsKilledAtTheGrace() throws IOException {
        ProcessHandle process = deafToTerm();

        long started = System.nanoTime();
        boolean ended = new GracefulStop(Signal.TERM, GRACE).stop(process);

        assertThat(ended).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(GRACE);
        await().atMost(Duration.ofSeconds(5)).until(() -> !Processes.running(process));
    }

    @Test
    void quitIsTheGentleSignalForNginx() throws IOException {
        Path log = dir.resolve("quit.log");
        Process process = children.shell("trap 'echo quitting; exit 0' QUIT; echo ready; while :; do sleep 0.1; done", log);
        Children.awaitText(log, "ready");

        boolean ended = new GracefulStop(Signal.QUIT, Duration.ofSeconds(10)).stop(process.toHandle());

        assertThat(ended).isTrue();
        Children.awaitText(log, "quitting");
    }

    @Test
    void stoppingLaterReturnsAtOnceAndKillsAtTheGrace() throws IOException {
        ProcessHandle process = deafToTerm();

        long started = System.nanoTime();
        new GracefulStop(Signal.TERM, GRACE).stopLater(process, timer);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(GRACE);
        assertThat(Processes.running(process)).as("TERM is ignored").isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> !Processes.running(process));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(GRACE);
    }

    @Test
    void aProcessThatIsGoneAlreadyIsStoppedWithoutComplaint() throws Exception {
        Process process = children.start(Launch.of(List.of("true")));
        process.waitFor();

        assertThat(new GracefulStop(Signal.QUIT, GRACE).stop(process.toHandle())).isTrue();
    }

    @Test
    void aSignalThatCannotBeSentSaysWhy() throws Exception {
        Process process = children.start(Launch.of(List.of("true")));
        process.waitFor();

        assertThatThrownBy(() -> Signal.HUP.send(process.toHandle())).isInstanceOf(ProcessException.class)
                .hasMessage("cannot send HUP to process " + process.pid() + ": it is gone");
        assertThatThrownBy(() -> Signal.TERM.send(process.toHandle())).isInstanceOf(ProcessException.class)
                .hasMessageStartingWith("cannot send TERM to process " + process.pid());
    }

    /** A shell that ignores TERM, once its trap is set; its short sleeps (which ignore TERM too) end on their own once it is killed. */
    private ProcessHandle deafToTerm() throws IOException {
        Path log = dir.resolve("deaf.log");
        Process process = children.shell("trap '' TERM; echo ready; while :; do sleep 0.1; done", log);
        Children.awaitText(log, "ready");
        return process.toHandle();
    }

    @Test
    void aNegativeGraceIsRefused() {
        assertThatThrownBy(() -> new GracefulStop(Signal.TERM, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("grace: PT-1S (expected: >= 0)");
    }
}
