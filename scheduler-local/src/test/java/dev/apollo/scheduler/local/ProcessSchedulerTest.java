package dev.apollo.scheduler.local;

import static dev.apollo.scheduler.local.Fixtures.find;
import static dev.apollo.scheduler.local.Fixtures.get;
import static dev.apollo.scheduler.local.Fixtures.observed;
import static dev.apollo.scheduler.local.Fixtures.process;
import static dev.apollo.scheduler.local.Fixtures.spec;
import static dev.apollo.scheduler.local.Fixtures.webService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;
import static org.awaitility.Awaitility.await;

import dev.apollo.core.ApolloException;
import dev.apollo.core.model.Address;
import dev.apollo.core.model.InstanceId;
import dev.apollo.core.port.ObservedInstance;
import dev.apollo.core.port.ObservedInstance.Exit;
import dev.apollo.core.port.Scheduler.LogChunk;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessSchedulerTest {
    private static final ProcessScheduler.Options OPTIONS = ProcessScheduler.Options.defaults()
            .withLogCheckInterval(Duration.ofMillis(200));

    @TempDir
    Path stateDir;

    @TempDir
    Path otherStateDir;

    @TempDir
    Path files;

    private final List<ProcessScheduler> opened = new ArrayList<>();
    private final List<Process> started = new ArrayList<>();
    private ProcessScheduler scheduler;

    @BeforeEach
    void open() {
        scheduler = open(stateDir, OPTIONS);
    }

    @AfterEach
    void stopEverything() {
        opened.forEach(ProcessScheduler::close);
        started.forEach(Process::destroyForcibly);
        Fixtures.killAll(stateDir);
        Fixtures.killAll(otherStateDir);
    }

    private ProcessScheduler open(Path dir, ProcessScheduler.Options options) {
        ProcessScheduler opening = ProcessScheduler.open(dir, options);
        opened.add(opening);
        return opening;
    }

    private static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50));
    }

    private static Address awaitHealthy(ProcessScheduler on, String id) {
        Address address = observed(on, id).address().orElseThrow();
        eventually().until(() -> get(address, "/health/is_alive"), Optional::isPresent);
        return address;
    }

    private static ObservedInstance awaitExit(ProcessScheduler on, String id) {
        eventually().until(() -> !observed(on, id).running());
        return observed(on, id);
    }

    @Test
    void launchedInstanceAnswersHttpWithTheEnvironmentItWasGiven() throws IOException {
        scheduler.launch(webService("web-service-a1"));

        ObservedInstance instance = observed(scheduler, "web-service-a1");
        assertThat(instance.running()).isTrue();
        assertThat(instance.stopRequested()).isFalse();
        assertThat(instance.address()).hasValueSatisfying(a -> assertThat(a.host()).isEqualTo("127.0.0.1"));
        Address address = awaitHealthy(scheduler, "web-service-a1");
        assertThat(get(address, "/health/is_alive")).contains("alive\n");
        assertThat(get(address, "/")).hasValueSatisfying(body -> assertThat(body)
                .contains("\"service\":\"web-service\"", "\"version\":\"1.6.0\"", "\"instance\":\"web-service-a1\""));
        eventually().until(() -> scheduler.tailLog(instance.id(), 10),
                lines -> lines.contains("web-service listening on " + address + " as " + get(address, "/").orElseThrow().strip()));

        InstanceRecord record = InstanceRecord.read(stateDir.resolve("instances/web-service-a1"));
        assertThat(record.pid()).isPresent();
        assertThat(record.address()).contains(address);
        assertThat(ProcessHandle.of(record.pid().get()).orElseThrow().info().arguments().orElseThrow())
                .contains("-Xmx64m", "-Dapollo.home=" + stateDir.toRealPath(), "-Dapollo.instance=web-service-a1");
    }

    @Test
    void launchingAnIdTwiceIsAConflict() {
        scheduler.launch(webService("web-service-twice"));

        assertThatThrownBy(() -> scheduler.launch(webService("web-service-twice")))
                .isInstanceOf(ApolloException.Conflict.class)
                .hasMessageContaining("web-service-twice");
    }

    @Test
    void stopEndsTheProcessAndSaysThePlatformStoppedIt() throws IOException {
        scheduler.launch(webService("web-service-s1"));
        awaitHealthy(scheduler, "web-service-s1");
        ProcessHandle process = process(stateDir, "web-service-s1");

        scheduler.stop(new InstanceId("web-service-s1"), Duration.ofSeconds(10));
        scheduler.stop(new InstanceId("web-service-s1"), Duration.ofSeconds(10));

        ObservedInstance stopped = awaitExit(scheduler, "web-service-s1");
        assertThat(process.isAlive()).isFalse();
        assertThat(stopped.stopRequested()).isTrue();
        assertThat(stopped.exit()).hasValueSatisfying(exit -> {
            assertThat(exit.reason()).isEqualTo("stopped by the platform");
            assertThat(exit.code()).isEqualTo(143); // the JVM's answer to SIGTERM
        });
        assertThat(InstanceRecord.read(stateDir.resolve("instances/web-service-s1")).stopRequested()).isTrue();
        scheduler.stop(new InstanceId("web-service-s1"), Duration.ZERO); // after the exit: nothing happens
        scheduler.stop(new InstanceId("nobody-here"), Duration.ZERO);
    }

    @Test
    void stopWithoutGraceKillsAtOnce() throws IOException {
        scheduler.launch(webService("web-service-s2"));
        awaitHealthy(scheduler, "web-service-s2");
        ProcessHandle process = process(stateDir, "web-service-s2");

        scheduler.stop(new InstanceId("web-service-s2"), Duration.ZERO);

        ObservedInstance stopped = awaitExit(scheduler, "web-service-s2");
        assertThat(process.isAlive()).isFalse();
        assertThat(stopped.exit().orElseThrow().reason()).isEqualTo("stopped by the platform");
    }

    @Test
    void instanceKilledFromOutsideIsReportedKilledBySignal9() throws IOException {
        scheduler.launch(webService("web-service-k1"));
        awaitHealthy(scheduler, "web-service-k1");

        process(stateDir, "web-service-k1").destroyForcibly();

        ObservedInstance killed = awaitExit(scheduler, "web-service-k1");
        assertThat(killed.stopRequested()).isFalse();
        assertThat(killed.exit()).hasValueSatisfying(exit -> {
            assertThat(exit.code()).isEqualTo(137);
            assertThat(exit.reason()).isEqualTo("killed by signal 9 (SIGKILL)");
        });
    }

    @Test
    void jarThatIsNotAJarExitsWithJavasErrorInItsLog() throws IOException {
        Path garbage = Files.write(files.resolve("garbage.jar"), "this is not a zip file".getBytes(StandardCharsets.UTF_8));

        scheduler.launch(spec("garbage-1", garbage.toUri()));

        ObservedInstance failed = awaitExit(scheduler, "garbage-1");
        assertThat(failed.exit()).hasValueSatisfying(exit -> {
            assertThat(exit.code()).isNotZero().isPositive();
            assertThat(exit.reason()).isEqualTo("exited with code " + exit.code());
        });
        eventually().until(() -> String.join("\n", scheduler.tailLog(failed.id(), 20)),
                log -> log.contains("Invalid or corrupt jarfile"));
    }

    @Test
    void missingArtifactIsReportedExitedWithAClearReason() {
        Path missing = files.resolve("no-such.jar");

        scheduler.launch(spec("missing-1", missing.toUri()));
        scheduler.launch(spec("remote-1", URI.create("https://repo.example.com/web-service.jar")));

        ObservedInstance instance = observed(scheduler, "missing-1");
        assertThat(instance.address()).isEmpty();
        assertThat(instance.exit()).hasValueSatisfying(exit -> {
            assertThat(exit.code()).isEqualTo(Exit.UNKNOWN_CODE);
            assertThat(exit.reason()).startsWith("could not start: ").contains(missing.toString(), "does not exist");
        });
        assertThat(scheduler.tailLog(instance.id(), 5)).singleElement(STRING)
                .startsWith("apollo: could not start: ");
        assertThat(observed(scheduler, "remote-1").exit().orElseThrow().reason())
                .startsWith("could not start: ").contains("not a file: URI");
    }

    @Test
    void reopenedSchedulerAdoptsTheRunningInstance() throws IOException {
        scheduler.launch(webService("web-service-ad1"));
        Address address = awaitHealthy(scheduler, "web-service-ad1");
        ObservedInstance before = observed(scheduler, "web-service-ad1");
        ProcessHandle process = process(stateDir, "web-service-ad1");
        scheduler.close();

        ProcessScheduler next = open(stateDir, OPTIONS);

        ObservedInstance adopted = observed(next, "web-service-ad1");
        assertThat(adopted.running()).isTrue();
        assertThat(adopted.address()).contains(address);
        assertThat(adopted.startedAt()).isEqualTo(before.startedAt());
        assertThat(adopted.release()).isEqualTo(before.release());
        assertThat(get(address, "/health/is_alive")).isPresent();
        assertThat(next.tailLog(adopted.id(), 1)).singleElement(STRING)
                .startsWith("web-service listening on " + address);

        next.stop(adopted.id(), Duration.ofSeconds(10));

        ObservedInstance stopped = awaitExit(next, "web-service-ad1");
        assertThat(process.isAlive()).isFalse();
        assertThat(stopped.exit().orElseThrow().reason()).isEqualTo("stopped by the platform");
    }

    @Test
    void adoptedInstanceThatExitsIsReportedWithAnUnknownCode() throws IOException {
        scheduler.launch(webService("web-service-ad2"));
        awaitHealthy(scheduler, "web-service-ad2");
        scheduler.close();
        ProcessScheduler next = open(stateDir, OPTIONS);

        process(stateDir, "web-service-ad2").destroyForcibly();

        assertThat(awaitExit(next, "web-service-ad2").exit()).hasValueSatisfying(exit -> {
            assertThat(exit.code()).isEqualTo(Exit.UNKNOWN_CODE);
            assertThat(exit.reason()).isEqualTo("exited (adopted from an earlier control plane; exit code unknown)");
        });
    }

    @Test
    void instanceOfAControlPlaneKilledWithSigkillIsAdoptedAndCanBeStopped() throws IOException {
        scheduler.close();
        Process controlPlane = new ProcessBuilder(OPTIONS.java().toString(), "-cp", System.getProperty("java.class.path"),
                ControlPlaneMain.class.getName(), stateDir.toString(), "web-service-cp1")
                .redirectErrorStream(true).redirectOutput(files.resolve("control-plane.log").toFile()).start();
        started.add(controlPlane);
        Path dir = stateDir.resolve("instances/web-service-cp1");
        eventually().until(() -> Files.exists(dir.resolve(InstanceRecord.FILE)) && InstanceRecord.read(dir).pid().isPresent());
        Address address = InstanceRecord.read(dir).address().orElseThrow();
        eventually().until(() -> get(address, "/health/is_alive"), Optional::isPresent);
        ProcessHandle instance = process(stateDir, "web-service-cp1");
        assertThat(instance.parent().map(ProcessHandle::pid)).contains(controlPlane.pid());

        controlPlane.destroyForcibly();
        eventually().until(() -> !controlPlane.isAlive());

        assertThat(get(address, "/health/is_alive")).isPresent(); // the instance outlived its control plane
        ProcessScheduler next = open(stateDir, OPTIONS);
        assertThat(observed(next, "web-service-cp1").running()).isTrue();
        assertThat(observed(next, "web-service-cp1").address()).contains(address);

        next.stop(new InstanceId("web-service-cp1"), Duration.ofSeconds(10));

        ObservedInstance stopped = awaitExit(next, "web-service-cp1");
        assertThat(stopped.exit().orElseThrow().reason()).isEqualTo("stopped by the platform");
        eventually().until(() -> !instance.isAlive());
    }

    @Test
    void instanceStartedJustBeforeACrashIsAdoptedByItsMarker() throws IOException {
        scheduler.launch(webService("web-service-ad3"));
        Address address = awaitHealthy(scheduler, "web-service-ad3");
        long pid = process(stateDir, "web-service-ad3").pid();
        scheduler.close();
        // As if the control plane died after starting the process but before recording its pid.
        Path dir = stateDir.resolve("instances/web-service-ad3");
        InstanceRecord record = InstanceRecord.read(dir);
        new InstanceRecord(record.id(), record.release(), record.env(), record.service(), record.version(),
                record.artifact(), record.address(), record.startedAt(), Optional.empty(), false,
                Optional.empty(), Optional.empty()).write(dir);

        ProcessScheduler next = open(stateDir, OPTIONS);

        assertThat(observed(next, "web-service-ad3").running()).isTrue();
        assertThat(observed(next, "web-service-ad3").address()).contains(address);
        assertThat(InstanceRecord.read(dir).pid()).contains(pid);
    }

    @Test
    void instanceThatDiedWhileTheControlPlaneWasDownIsReportedExitedOnReopen() throws IOException {
        scheduler.launch(webService("web-service-d1"));
        awaitHealthy(scheduler, "web-service-d1");
        scheduler.close();
        ProcessHandle process = process(stateDir, "web-service-d1");
        process.destroyForcibly();
        eventually().until(() -> !process.isAlive());

        ProcessScheduler next = open(stateDir, OPTIONS);

        assertThat(observed(next, "web-service-d1").exit()).hasValueSatisfying(exit -> {
            assertThat(exit.code()).isEqualTo(Exit.UNKNOWN_CODE);
            assertThat(exit.reason()).isEqualTo("exited while the control plane was down");
        });
        assertThat(InstanceRecord.read(stateDir.resolve("instances/web-service-d1")).exit()).isPresent();
    }

    @Test
    void strayProcessWithOurMarkerButNoRecordIsKilledOnOpenAndOthersAreLeftAlone() throws IOException {
        scheduler.close();
        Process stray = startMarked(stateDir, Optional.of("ghost-1"));
        Process otherHome = startMarked(otherStateDir, Optional.of("ghost-1"));
        Process controlPlaneLike = startMarked(stateDir, Optional.empty());
        eventually().until(() -> HomeMarkerTest.hasArguments(stray.toHandle())
                && HomeMarkerTest.hasArguments(otherHome.toHandle()) && HomeMarkerTest.hasArguments(controlPlaneLike.toHandle()));

        open(stateDir, OPTIONS);

        eventually().until(() -> !stray.isAlive());
        assertThat(otherHome.isAlive()).isTrue();
        assertThat(controlPlaneLike.isAlive()).isTrue();
    }

    private Process startMarked(Path home, Optional<String> instance) throws IOException {
        List<String> command = new ArrayList<>(List.of(OPTIONS.java().toString(), "-Xmx32m",
                "-Dapollo.home=" + home.toRealPath()));
        instance.ifPresent(id -> command.add("-Dapollo.instance=" + id));
        command.addAll(List.of("-jar", Fixtures.webServiceJar().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("PORT", "0");
        Process process = builder.start();
        started.add(process);
        return process;
    }

    @Test
    void schedulersOnDifferentStateDirectoriesDoNotTouchEachOthersInstances() {
        scheduler.launch(webService("web-service-mine"));
        awaitHealthy(scheduler, "web-service-mine");

        ProcessScheduler other = open(otherStateDir, OPTIONS);

        assertThat(other.instances()).isEmpty();
        assertThat(observed(scheduler, "web-service-mine").running()).isTrue();
        assertThat(get(observed(scheduler, "web-service-mine").address().orElseThrow(), "/health/is_alive")).isPresent();
    }

    @Test
    void aStateDirectoryIsOpenedByOneSchedulerAtATime() {
        assertThatThrownBy(() -> open(stateDir, OPTIONS))
                .isInstanceOf(ApolloException.Conflict.class)
                .hasMessageContaining("scheduler.lock");
    }

    @Test
    void logIsRotatedPastItsCap() {
        scheduler.close();
        ProcessScheduler small = open(stateDir, OPTIONS.withLogCap(64, 2));
        small.launch(webService("web-service-r1"));
        Address address = awaitHealthy(small, "web-service-r1");
        Path dir = stateDir.resolve("instances/web-service-r1");

        eventually().until(() -> Files.exists(dir.resolve("output.log.1")));

        assertThat(dir.resolve("output.log")).isEmptyFile();
        assertThat(dir.resolve("output.log.1")).content().startsWith("web-service listening on " + address);
        InstanceId id = new InstanceId("web-service-r1");
        assertThat(small.tailLog(id, 5)).singleElement(STRING)
                .startsWith("web-service listening on " + address);
        LogChunk afterRotation = small.readLog(id, 120, 1024);
        assertThat(afterRotation.bytes()).isEmpty();
        assertThat(afterRotation.next()).isZero();
    }

    @Test
    void readLogFollowsTheOutputByOffset() {
        scheduler.launch(webService("web-service-l1"));
        awaitHealthy(scheduler, "web-service-l1");
        InstanceId id = new InstanceId("web-service-l1");
        eventually().until(() -> scheduler.readLog(id, 0, 1024).bytes().length > 0);

        LogChunk first = scheduler.readLog(id, 0, 10);
        LogChunk rest = scheduler.readLog(id, first.next(), 4096);

        assertThat(first.bytes()).hasSize(10);
        assertThat(first.next()).isEqualTo(10);
        assertThat(new String(first.bytes(), StandardCharsets.UTF_8) + new String(rest.bytes(), StandardCharsets.UTF_8))
                .startsWith("web-service listening on ");
        assertThat(scheduler.readLog(id, rest.next(), 4096).bytes()).isEmpty();
    }

    @Test
    void forgetDeletesAnExitedInstanceAndRefusesARunningOne() {
        scheduler.launch(spec("missing-2", files.resolve("none.jar").toUri()));
        scheduler.launch(webService("web-service-f1"));
        InstanceId exited = new InstanceId("missing-2");

        scheduler.forget(exited);
        scheduler.forget(new InstanceId("never-launched"));

        assertThat(find(scheduler, "missing-2")).isEmpty();
        assertThat(stateDir.resolve("instances/missing-2")).doesNotExist();
        assertThat(scheduler.tailLog(exited, 10)).isEmpty();
        assertThatThrownBy(() -> scheduler.forget(new InstanceId("web-service-f1")))
                .isInstanceOf(ApolloException.Conflict.class)
                .hasMessageContaining("still running");
        assertThat(stateDir.resolve("instances/web-service-f1")).isDirectory();
    }

    @Test
    void unknownInstancesHaveEmptyLogs() {
        InstanceId unknown = new InstanceId("nobody");

        assertThat(scheduler.readLog(unknown, 0, 100).bytes()).isEmpty();
        assertThat(scheduler.tailLog(unknown, 100)).isEmpty();
    }

    @Test
    void closedSchedulerRefusesToLaunch() {
        scheduler.close();
        scheduler.close();

        assertThatThrownBy(() -> scheduler.launch(webService("web-service-late")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
