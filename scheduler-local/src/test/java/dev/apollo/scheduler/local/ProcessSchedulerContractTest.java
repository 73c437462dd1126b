package dev.apollo.scheduler.local;

import dev.apollo.core.port.ArtifactKind;
import dev.apollo.core.port.ObservedInstance;
import dev.apollo.core.port.Scheduler;
import dev.apollo.testkit.SchedulerContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/** The local scheduler keeps the scheduler contract with real processes of the example web service. */
class ProcessSchedulerContractTest extends SchedulerContract {
    private static final ProcessScheduler.Options OPTIONS = ProcessScheduler.Options.defaults()
            .withLogCheckInterval(Duration.ofMillis(200));

    /** Removed by JUnit after the contract's own clean-up has closed the scheduler. */
    @TempDir
    private Path stateDir;

    @Override
    protected Scheduler open() {
        return ProcessScheduler.open(stateDir, OPTIONS);
    }

    @Override
    protected Scheduler reopen(Scheduler running) {
        running.close();
        return ProcessScheduler.open(stateDir, OPTIONS);
    }

    @Override
    protected URI runnableArtifact() {
        return Fixtures.webServiceJar().toUri();
    }

    @Override
    protected URI brokenArtifact() {
        return stateDir.resolve("no-such.jar").toUri();
    }

    @Override
    protected Optional<ArtifactKind> kindNotRun() {
        return Optional.of(ArtifactKind.IMAGE);
    }

    @Override
    protected boolean serves(ObservedInstance instance) {
        return instance.address().flatMap(address -> Fixtures.get(address, "/health/is_alive")).isPresent();
    }

    @Override
    protected Map<String, String> variablesOf(ObservedInstance instance) {
        return environmentOfProcess(process(instance).pid());
    }

    @Override
    protected List<String> argumentsOf(ObservedInstance instance) {
        try {
            String[] words = Files.readString(Path.of("/proc", Long.toString(process(instance).pid()), "cmdline")).split("\0");
            List<String> all = List.of(words);
            return all.subList(all.indexOf("-jar") + 2, all.size());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void killFromOutside(ObservedInstance instance) {
        ProcessHandle process = process(instance);
        process.destroyForcibly();
        process.onExit().join();
    }

    private ProcessHandle process(ObservedInstance instance) {
        try {
            return Fixtures.process(stateDir.toRealPath(), instance.id().value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected String firstLinePrefix() {
        return "web-service listening on ";
    }

    @Override
    protected void cleanUp() {
        Fixtures.killAll(stateDir);
    }
}
