package dev.apollo.testkit;

import dev.apollo.core.port.ArtifactKind;
import dev.apollo.core.port.ObservedInstance;
import dev.apollo.core.port.Scheduler;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The fake must keep the contract, or tests on it would teach the control plane wrong things. */
class FakeSchedulerTest extends SchedulerContract {
    private FakeScheduler fake;

    @Override
    protected Scheduler open() {
        fake = new FakeScheduler(Clock.systemUTC());
        return fake;
    }

    @Override
    protected Scheduler reopen(Scheduler running) {
        running.close();
        fake = fake.reopened();
        return fake;
    }

    @Override
    protected URI runnableArtifact() {
        return URI.create("file:///fake/service.jar");
    }

    @Override
    protected URI brokenArtifact() {
        return URI.create(FakeScheduler.BROKEN_SCHEME + ":///corrupt.jar");
    }

    @Override
    protected Optional<ArtifactKind> kindNotRun() {
        return Optional.of(ArtifactKind.IMAGE);
    }

    @Override
    protected boolean serves(ObservedInstance instance) {
        return fake.serves(instance.id());
    }

    @Override
    protected Map<String, String> variablesOf(ObservedInstance instance) {
        return fake.variablesOf(instance.id());
    }

    @Override
    protected List<String> argumentsOf(ObservedInstance instance) {
        return fake.argumentsOf(instance.id());
    }

    @Override
    protected void killFromOutside(ObservedInstance instance) {
        fake.crash(instance.id(), 137);
    }

    @Override
    protected String firstLinePrefix() {
        return "fake instance ";
    }

    @Override
    protected void cleanUp() {
        // nothing ran
    }
}
