package dev.apollo.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LivenessTest {

    @Test
    void theCurrentProcessRuns() {
        assertThat(Liveness.isRunning(ProcessHandle.current())).isTrue();
    }

    @Test
    void anUnreapedZombieDoesNotRunThoughTheJdkCallsItAlive() throws IOException {
        assumeThat(Path.of("/proc/self/stat")).exists();
        // The shell starts `true` and then becomes `sleep`, which never reaps it: a zombie.
        Process parent = new ProcessBuilder("sh", "-c", "true & exec sleep 60").start();
        try {
            ProcessHandle zombie = await().atMost(Duration.ofSeconds(10))
                    .until(() -> parent.toHandle().children().filter(LivenessTest::isZombie).findFirst(), Optional::isPresent)
                    .orElseThrow();

            assertThat(zombie.isAlive()).isTrue();
            assertThat(Liveness.isRunning(zombie)).isFalse();
        } finally {
            parent.destroyForcibly();
        }
    }

    private static boolean isZombie(ProcessHandle process) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return false;
        }
    }
}
