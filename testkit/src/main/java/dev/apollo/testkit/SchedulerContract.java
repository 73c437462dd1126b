package dev.apollo.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.apollo.core.ApolloException;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.InstanceId;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.model.Version;
import dev.apollo.core.port.ArtifactKind;
import dev.apollo.core.port.ObservedInstance;
import dev.apollo.core.port.ReleaseSpec;
import dev.apollo.core.port.Scheduler;
import dev.apollo.core.port.Scheduler.LogCursor;
import dev.apollo.core.port.Scheduler.LogPage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Scheduler} must do, whatever runs its instances. An adapter's test extends this
 * class and says how to open one on fresh state, how to reopen it as a restarted control plane
 * would, what it can run, and how to look at an instance from outside the port.
 */
public abstract class SchedulerContract {
    protected static final ServiceName SERVICE = ServiceName.of("contract-service");
    protected static final Duration GRACE = Duration.ofSeconds(10);

    protected Scheduler scheduler;

    /** A scheduler on fresh state of its own. */
    protected abstract Scheduler open();

    /** Closes {@code running} and opens the next scheduler on the same state, as a restarted control plane does. */
    protected abstract Scheduler reopen(Scheduler running);

    /** An artifact this scheduler runs whose instances serve their health check and print a line on start. */
    protected abstract URI runnableArtifact();

    /** An artifact of a kind this scheduler runs that cannot start (missing, corrupt). */
    protected abstract URI brokenArtifact();

    /** A kind of artifact this scheduler does not run, if there is one. */
    protected abstract Optional<ArtifactKind> kindNotRun();

    /** Whether the instance answers its health check where the scheduler says it listens. */
    protected abstract boolean serves(ObservedInstance instance);

    /** The environment variables the instance was started with, read from outside the port. */
    protected abstract Map<String, String> variablesOf(ObservedInstance instance);

    /** The arguments the program was given after its artifact, read from outside the port. */
    protected abstract List<String> argumentsOf(ObservedInstance instance);

    /** Ends an instance from outside the platform, as {@code kill -9} or {@code docker kill} would. */
    protected abstract void killFromOutside(ObservedInstance instance);

    /** The start of the first line a {@link #runnableArtifact()} instance prints. */
    protected abstract String firstLinePrefix();

    /** Removes whatever the test left running; called after each test with every scheduler closed. */
    protected abstract void cleanUp();

    @BeforeEach
    void openScheduler() {
        scheduler = open();
    }

    @AfterEach
    void closeScheduler() {
        scheduler.close();
        cleanUp();
    }

    protected static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50));
    }

    protected ReleaseSpec release(long id) {
        return release(id, runnableArtifact());
    }

    protected ReleaseSpec release(long id, URI artifact) {
        ArtifactKind kind = scheduler.runs().iterator().next();
        return ReleaseSpec.plain(new ReleaseId(id), EnvironmentName.PRODUCTION, SERVICE, Version.of("1.0." + id), kind,
                artifact, 64, Map.of("APOLLO_ENV", "production", "APOLLO_SERVICE", SERVICE.value(), "CONTRACT_VALUE",
                        "release-" + id));
    }

    protected List<ObservedInstance> of(ReleaseId release) {
        return scheduler.instances().stream().filter(i -> i.release().equals(release)).toList();
    }

    protected List<ObservedInstance> running(ReleaseId release) {
        return of(release).stream().filter(ObservedInstance::running).toList();
    }

    protected ObservedInstance observed(InstanceId id) {
        return find(id).orElseThrow(() -> new AssertionError("no instance " + id + " in " + scheduler.instances()));
    }

    protected Optional<ObservedInstance> find(InstanceId id) {
        return scheduler.instances().stream().filter(i -> i.id().equals(id)).findFirst();
    }

    /**
     * Waits until exactly {@code count} instances of {@code release} answer and are not being stopped (one being
     * stopped may still answer during its grace period), and returns those.
     */
    protected List<ObservedInstance> awaitServing(ReleaseId release, int count) {
        return eventually().until(() -> running(release).stream()
                .filter(i -> !i.stopRequested() && i.address().isPresent() && serves(i)).toList(),
                serving -> serving.size() == count);
    }

    protected ObservedInstance awaitExit(InstanceId id) {
        eventually().until(() -> !observed(id).running());
        return observed(id);
    }

    @Test
    void declaresWhatItRuns() {
        assertThat(scheduler.runs()).isNotEmpty();
    }

    @Test
    void ensureStartsTheMissingInstancesEachWithItsAddressAndVariables() {
        ReleaseSpec release = release(1);

        List<ObservedInstance> started = scheduler.ensure(release, 2);

        List<ObservedInstance> serving = awaitServing(release.id(), 2);
        assertThat(started).allSatisfy(i -> assertThat(serving).extracting(ObservedInstance::id).contains(i.id()));
        assertThat(serving).extracting(i -> i.address().orElseThrow()).doesNotHaveDuplicates();
        for (ObservedInstance instance : serving) {
            assertThat(instance.state()).isEqualTo(ObservedInstance.State.RUNNING);
            assertThat(instance.stopRequested()).isFalse();
            assertThat(variablesOf(instance)).containsAllEntriesOf(release.variables())
                    .containsEntry("APOLLO_INSTANCE_ID", instance.id().value())
                    .containsEntry("PORT", Integer.toString(instance.address().orElseThrow().port()));
        }
    }

    @Test
    void variablesAndArgumentsAreExpandedForEachInstanceAndSecretsGivenAsTheyAre() {
        ReleaseSpec plain = release(15);
        Map<String, String> variables = new java.util.HashMap<>(plain.variables());
        variables.put("SERVER_PORT", "${PORT}");
        variables.put("WHO", "${APOLLO_SERVICE}/${APOLLO_INSTANCE_ID} costs $$5");
        ReleaseSpec configured = new ReleaseSpec(plain.id(), plain.environment(), plain.service(), plain.version(),
                plain.kind(), plain.artifact(), plain.memoryMb(), variables, Map.of("DB_PASSWORD", "s3cr3t ${PORT} $$"),
                List.of("--port=${PORT}", "plain argument"), List.of("-Dcontract.port=${PORT}"));

        scheduler.ensure(configured, 1);

        ObservedInstance instance = awaitServing(configured.id(), 1).get(0);
        String port = Integer.toString(instance.address().orElseThrow().port());
        assertThat(variablesOf(instance))
                .containsEntry("SERVER_PORT", port)
                .containsEntry("WHO", SERVICE.value() + "/" + instance.id().value() + " costs $5")
                .containsEntry("DB_PASSWORD", "s3cr3t ${PORT} $$");
        assertThat(argumentsOf(instance)).containsExactly("--port=" + port, "plain argument");
        assertThat(configured.toString()).contains("DB_PASSWORD").doesNotContain("s3cr3t");
    }

    @Test
    void ensureCountsWhatRunsSoItNeverStartsTwiceAndNeverStops() {
        ReleaseSpec release = release(2);
        scheduler.ensure(release, 1);
        awaitServing(release.id(), 1);

        assertThat(scheduler.ensure(release, 1)).isEmpty();
        scheduler.ensure(release, 3);
        awaitServing(release.id(), 3);
        assertThat(scheduler.ensure(release, 1)).isEmpty();

        assertThat(running(release.id())).hasSize(3).noneMatch(ObservedInstance::stopRequested);
    }

    @Test
    void ensureReplacesAnInstanceThatExitedOrWasAskedToStop() {
        ReleaseSpec release = release(3);
        scheduler.ensure(release, 2);
        List<ObservedInstance> first = awaitServing(release.id(), 2);

        killFromOutside(first.get(0));
        scheduler.stop(first.get(1).id(), GRACE);
        awaitExit(first.get(0).id());
        scheduler.ensure(release, 2);

        List<ObservedInstance> now = awaitServing(release.id(), 2);
        assertThat(now).extracting(ObservedInstance::id).doesNotContainAnyElementsOf(ids(first));
    }

    @Test
    void stopEndsAnInstanceAndReportsThatThePlatformAskedForIt() {
        ReleaseSpec release = release(4);
        scheduler.ensure(release, 1);
        ObservedInstance instance = awaitServing(release.id(), 1).get(0);

        scheduler.stop(instance.id(), GRACE);
        scheduler.stop(instance.id(), GRACE);

        ObservedInstance stopped = awaitExit(instance.id());
        assertThat(stopped.stopRequested()).isTrue();
        assertThat(stopped.state()).isEqualTo(ObservedInstance.State.EXITED);
        assertThat(stopped.exit().orElseThrow().reason()).isNotBlank();
        assertThat(serves(instance)).isFalse();
        scheduler.stop(instance.id(), Duration.ZERO); // after the exit: nothing happens
        scheduler.stop(new InstanceId("nobody-here"), Duration.ZERO);
    }

    @Test
    void anExitNobodyAskedForIsReportedAsSuch() {
        ReleaseSpec release = release(5);
        scheduler.ensure(release, 1);
        ObservedInstance instance = awaitServing(release.id(), 1).get(0);

        killFromOutside(instance);

        ObservedInstance exited = awaitExit(instance.id());
        assertThat(exited.stopRequested()).isFalse();
        assertThat(exited.exit().orElseThrow().reason()).isNotBlank();
        assertThat(exited.exit().orElseThrow().at()).isAfterOrEqualTo(exited.startedAt());
    }

    @Test
    void anArtifactThatCannotStartExitsWithAReason() {
        ReleaseSpec release = release(6, brokenArtifact());

        scheduler.ensure(release, 1);

        eventually().until(() -> of(release.id()).size() == 1 && !of(release.id()).get(0).running());
        ObservedInstance failed = of(release.id()).get(0);
        assertThat(failed.stopRequested()).isFalse();
        assertThat(failed.exit().orElseThrow().reason()).isNotBlank();
    }

    @Test
    void anArtifactOfAKindItDoesNotRunIsRefusedAndStartsNothing() {
        Optional<ArtifactKind> other = kindNotRun();
        if (other.isEmpty()) {
            return; // a scheduler that runs every kind has nothing to refuse
        }
        ReleaseSpec base = release(7);
        ReleaseSpec foreign = ReleaseSpec.plain(base.id(), base.environment(), base.service(), base.version(), other.get(),
                base.artifact(), base.memoryMb(), base.variables());

        assertThatThrownBy(() -> scheduler.ensure(foreign, 1)).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining(other.get().description());
        assertThat(scheduler.instances()).isEmpty();
    }

    @Test
    void retireStopsEveryInstanceOfOneReleaseAndNoOther() {
        ReleaseSpec retired = release(8);
        ReleaseSpec kept = release(9);
        scheduler.ensure(retired, 2);
        scheduler.ensure(kept, 1);
        awaitServing(retired.id(), 2);
        awaitServing(kept.id(), 1);

        scheduler.retire(retired.id(), GRACE);
        scheduler.retire(retired.id(), GRACE);

        eventually().until(() -> running(retired.id()).isEmpty());
        assertThat(of(retired.id())).allMatch(ObservedInstance::stopRequested);
        assertThat(running(kept.id())).hasSize(1).allMatch(this::serves);
    }

    @Test
    void instancesAreListedById() {
        ReleaseSpec release = release(10);
        scheduler.ensure(release, 3);

        awaitServing(release.id(), 3);

        assertThat(scheduler.instances()).isSortedAccordingTo(Comparator.comparing(ObservedInstance::id));
    }

    @Test
    void forgetDropsAnExitedInstanceAndRefusesARunningOne() {
        ReleaseSpec release = release(11);
        scheduler.ensure(release, 2);
        List<ObservedInstance> instances = awaitServing(release.id(), 2);
        scheduler.stop(instances.get(0).id(), GRACE);
        awaitExit(instances.get(0).id());

        scheduler.forget(instances.get(0).id());
        scheduler.forget(new InstanceId("never-started"));

        assertThat(find(instances.get(0).id())).isEmpty();
        assertThat(scheduler.tailLog(instances.get(0).id(), 10)).isEmpty();
        assertThatThrownBy(() -> scheduler.forget(instances.get(1).id())).isInstanceOf(ApolloException.Conflict.class);
        assertThat(observed(instances.get(1).id()).running()).isTrue();
    }

    @Test
    void logsAreReadOnByTheirCursorWithoutRepeatingAnything() {
        ReleaseSpec release = release(12);
        scheduler.ensure(release, 1);
        InstanceId id = awaitServing(release.id(), 1).get(0).id();
        eventually().until(() -> scheduler.tailLog(id, 10).stream().anyMatch(l -> l.startsWith(firstLinePrefix())));

        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        LogCursor cursor = LogCursor.START;
        for (int pages = 0; pages < 1000; pages++) {
            LogPage page = scheduler.readLog(id, cursor, 7);
            if (page.bytes().length == 0) {
                break;
            }
            assertThat(page.bytes().length).isLessThanOrEqualTo(7);
            whole.writeBytes(page.bytes());
            cursor = page.next();
        }

        assertThat(whole.toString(StandardCharsets.UTF_8)).startsWith(firstLinePrefix());
        assertThat(scheduler.readLog(id, cursor, 4096).bytes()).isEmpty();
        assertThat(scheduler.readLog(id, LogCursor.END, 4096).bytes()).isEmpty();
        assertThat(scheduler.tailLog(id, 1)).singleElement().satisfies(line -> assertThat(whole.toString(StandardCharsets.UTF_8))
                .contains(line));
    }

    @Test
    void unknownInstancesHaveEmptyLogs() {
        InstanceId unknown = new InstanceId("nobody");

        assertThat(scheduler.readLog(unknown, LogCursor.START, 100).bytes()).isEmpty();
        assertThat(scheduler.tailLog(unknown, 100)).isEmpty();
    }

    @Test
    void theNextSchedulerAdoptsWhatRunsAndCanStopIt() {
        ReleaseSpec release = release(13);
        scheduler.ensure(release, 2);
        List<ObservedInstance> before = awaitServing(release.id(), 2);

        scheduler = reopen(scheduler);

        List<ObservedInstance> adopted = running(release.id());
        assertThat(adopted).hasSize(2);
        for (ObservedInstance was : before) {
            ObservedInstance now = observed(was.id());
            assertThat(now.address()).isEqualTo(was.address());
            assertThat(now.release()).isEqualTo(was.release());
            assertThat(now.startedAt()).isEqualTo(was.startedAt());
            assertThat(serves(now)).isTrue();
        }
        assertThat(scheduler.ensure(release, 2)).isEmpty(); // adopted instances count: no double

        scheduler.retire(release.id(), GRACE);

        eventually().until(() -> running(release.id()).isEmpty());
        assertThat(of(release.id())).allMatch(ObservedInstance::stopRequested);
    }

    @Test
    void anInstanceThatEndedWhileNoSchedulerWatchedIsReportedExitedByTheNext() {
        ReleaseSpec release = release(14);
        scheduler.ensure(release, 1);
        ObservedInstance instance = awaitServing(release.id(), 1).get(0);
        scheduler.close();

        killFromOutside(instance);
        scheduler = reopen(scheduler);

        ObservedInstance exited = awaitExit(instance.id());
        assertThat(exited.stopRequested()).isFalse();
        assertThat(exited.exit().orElseThrow().reason()).isNotBlank();
    }

    private static Set<InstanceId> ids(List<ObservedInstance> instances) {
        return instances.stream().map(ObservedInstance::id).collect(Collectors.toSet());
    }

    /** For adapters' own tests: the environment of a process as {@code /proc/PID/environ} shows it. */
    protected static Map<String, String> environmentOfProcess(long pid) {
        try {
            byte[] raw = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc", Long.toString(pid), "environ"));
            return Arrays.stream(new String(raw, StandardCharsets.UTF_8).split("\0"))
                    .filter(entry -> entry.contains("="))
                    .collect(Collectors.toMap(e -> e.substring(0, e.indexOf('=')), e -> e.substring(e.indexOf('=') + 1),
                            (a, b) -> b));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the environment of process " + pid, e);
        }
    }
}
