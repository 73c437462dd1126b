package dev.apollo.scheduler.local;

import static dev.apollo.scheduler.local.Fixtures.find;
import static dev.apollo.scheduler.local.Fixtures.get;
import static dev.apollo.scheduler.local.Fixtures.observed;
import static dev.apollo.scheduler.local.Fixtures.process;
import static dev.apollo.scheduler.local.Fixtures.spec;
import static dev.apollo.scheduler.local.Fixtures.startOne;
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
import dev.apollo.core.port.Scheduler.LogCursor;
import dev.apollo.core.port.Scheduler.LogPage;
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
        String webServiceA1 = startOne(scheduler, webService());

        ObservedInstance instance = observed(scheduler, webServiceA1);
        assertThat(instance.running()).isTrue();
        assertThat(instance.stopRequested()).isFalse();
        assertThat(instance.address()).hasValueSatisfying(a -> assertThat(a.host()).isEqualTo("127.0.0.1"));
        Address address = awaitHealthy(scheduler, webServiceA1);
        assertThat(get(address, "/health/is_alive")).contains("alive\n");
        assertThat(get(address, "/")).hasValueSatisfying(body -> assertThat(body)
                .contains("\"service\":\"web-service\"", "\"version\":\"1.6.0\"", "\"instance\":\"" + webServiceA1 + "\""));
        eventually().until(() -> scheduler.tailLog(instance.id(), 10),
                lines -> lines.contains("web-service listening on " + address + " as " + get(address, "/").orElseThrow().strip()));

        InstanceRecord record = InstanceRecord.read(stateDir.resolve("instances/" + webServiceA1));
        assertThat(record.pid()).isPresent();
        assertThat(record.address()).contains(address);
        assertThat(ProcessHandle.of(record.pid().get()).orElseThrow().info().arguments().orElseThrow())
                .contains("-Xmx64m", "-Dapollo.home=" + stateDir.toRealPath(), "-Dapollo.instance=" + webServiceA1);
    }

    @Test
    void stopEndsTheProcessAndSaysThePlatformStoppedIt() throws IOException {
        String webServiceS1 = startOne(scheduler, webService());
        awaitHealthy(scheduler, webServiceS1);
        ProcessHandle process = process(stateDir, webServiceS1);

        scheduler.stop(new InstanceId(webServiceS1), Duration.ofSeconds(10));
        scheduler.stop(new InstanceId(webServiceS1), Duration.ofSeconds(10));

        ObservedInstance stopped = awaitExit(scheduler, webServiceS1);
        assertThat(process.isAlive()).isFalse();
        assertThat(stopped.stopRequested()).isTrue();
        assertThat(stopped.exit()).hasValueSatisfying(exit -> {
            assertThat(exit.reason()).isEqualTo("stopped by the platform");
            assertThat(exit.code()).isEqualTo(143); // the JVM's answer to SIGTERM
        });
        assertThat(InstanceRecord.read(stateDir.resolve("instances/" + webServiceS1)).stopRequested()).isTrue();
        scheduler.stop(new InstanceId(webServiceS1), Duration.ZERO); // after the exit: nothing happens
        scheduler.stop(new InstanceId("nobody-here"), Duration.ZERO);
    }

    @Test
    void stopWithoutGraceKillsAtOnce() throws IOException {
        String webServiceS2 = startOne(scheduler, webService());
        awaitHealthy(scheduler, webServiceS2);
        ProcessHandle process = process(stateDir, webServiceS2);

        scheduler.stop(new InstanceId(webServiceS2), Duration.ZERO);

        ObservedInstance stopped = awaitExit(scheduler, webServiceS2);
        assertThat(process.isAlive()).isFalse();
        assertThat(stopped.exit().orElseThrow().reason()).isEqualTo("stopped by the platform");
    }

    @Test
    void instanceKilledFromOutsideIsReportedKilledBySignal9() throws IOException {
        String webServiceK1 = startOne(scheduler, webService());
        awaitHealthy(scheduler, webServiceK1);

        process(stateDir, webServiceK1).destroyForcibly();

        ObservedInstance killed = awaitExit(scheduler, webServiceK1);
        assertThat(killed.stopRequested()).isFalse();
        assertThat(killed.exit()).hasValueSatisfying(exit -> {
            assertThat(exit.code()).isEqualTo(137);
            assertThat(exit.reason()).isEqualTo("killed by signal 9 (SIGKILL)");
        });
    }

    @Test
    void jarThatIsNotAJarExitsWithJavasErrorInItsLog() throws IOException {
        Path garbage = Files.write(files.resolve("garbage.jar"), "this is not a zip file".getBytes(StandardCharsets.UTF_8));

        String garbage1 = startOne(scheduler, spec(garbage.toUri()));

        ObservedInstance failed = awaitExit(scheduler, garbage1);
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

        String missing1 = startOne(scheduler, spec(missing.toUri()));
        String remote1 = startOne(scheduler, spec(URI.create("https://repo.example.com/web-service.jar")));

        ObservedInstance instance = observed(scheduler, missing1);
        assertThat(instance.address()).isEmpty();
        assertThat(instance.exit()).hasValueSatisfying(exit -> {
            assertThat(exit.code()).isEqualTo(Exit.UNKNOWN_CODE);
            assertThat(exit.reason()).startsWith("could not start: ").contains(missing.toString(), "does not exist");
        });
        assertThat(scheduler.tailLog(instance.id(), 5)).singleElement(STRING)
                .startsWith("apollo: could not start: ");
        assertThat(observed(scheduler, remote1).exit().orElseThrow().reason())
                .startsWith("could not start: ").contains("not a file: URI");
    }

    @Test
    void adoptedInstanceThatExitsIsReportedWithAnUnknownCode() throws IOException {
        String webServiceAd2 = startOne(scheduler, webService());
        awaitHealthy(scheduler, webServiceAd2);
        scheduler.close();
        ProcessScheduler next = open(stateDir, OPTIONS);

        process(stateDir, webServiceAd2).destroyForcibly();

        assertThat(awaitExit(next, webServiceAd2).exit()).hasValueSatisfying(exit -> {
            assertThat(exit.code()).isEqualTo(Exit.UNKNOWN_CODE);
            assertThat(exit.reason()).isEqualTo("exited (adopted from an earlier control plane; exit code unknown)");
        });
    }

    @Test
    void instanceOfAControlPlaneKilledWithSigkillIsAdoptedAndCanBeStopped() throws IOException {
        scheduler.close();
        Process controlPlane = new ProcessBuilder(OPTIONS.java().toString(), "-cp", System.getProperty("java.class.path"),
                ControlPlaneMain.class.getName(), stateDir.toString())
                .redirectErrorStream(true).redirectOutput(files.resolve("control-plane.log").toFile()).start();
        started.add(controlPlane);
        Path log = files.resolve("control-plane.log");
        eventually().until(() -> Files.readString(log).startsWith("launched "));
        String cp1 = Files.readString(log).lines().findFirst().orElseThrow().substring("launched ".length());
        Path dir = stateDir.resolve("instances").resolve(cp1);
        eventually().until(() -> Files.exists(dir.resolve(InstanceRecord.FILE)) && InstanceRecord.read(dir).pid().isPresent());
        Address address = InstanceRecord.read(dir).address().orElseThrow();
        eventually().until(() -> get(address, "/health/is_alive"), Optional::isPresent);
        ProcessHandle instance = process(stateDir, cp1);
        assertThat(instance.parent().map(ProcessHandle::pid)).contains(controlPlane.pid());

        controlPlane.destroyForcibly();
        eventually().until(() -> !controlPlane.isAlive());

        assertThat(get(address, "/health/is_alive")).isPresent(); // the instance outlived its control plane
        ProcessScheduler next = open(stateDir, OPTIONS);
        assertThat(observed(next, cp1).running()).isTrue();
        assertThat(observed(next, cp1).address()).contains(address);

        next.stop(new InstanceId(cp1), Duration.ofSeconds(10));

        ObservedInstance stopped = awaitExit(next, cp1);
        assertThat(stopped.exit().orElseThrow().reason()).isEqualTo("stopped by the platform");
        eventually().until(() -> !instance.isAlive());
    }

    @Test
    void instanceStartedJustBeforeACrashIsAdoptedByItsMarker() throws IOException {
        String webServiceAd3 = startOne(scheduler, webService());
        Address address = awaitHealthy(scheduler, webServiceAd3);
        long pid = process(stateDir, webServiceAd3).pid();
        scheduler.close();
        // As if the control plane died after starting the process but before recording its pid.
        Path dir = stateDir.resolve("instances/" + webServiceAd3);
        InstanceRecord record = InstanceRecord.read(dir);
        new InstanceRecord(record.id(), record.release(), record.env(), record.service(), record.version(),
                record.artifact(), record.address(), record.startedAt(), Optional.empty(), false,
                Optional.empty(), Optional.empty()).write(dir);

        ProcessScheduler next = open(stateDir, OPTIONS);

        assertThat(observed(next, webServiceAd3).running()).isTrue();
        assertThat(observed(next, webServiceAd3).address()).contains(address);
        assertThat(InstanceRecord.read(dir).pid()).contains(pid);
    }

    @Test
    void instanceThatDiedWhileTheControlPlaneWasDownIsReportedExitedOnReopen() throws IOException {
        String webServiceD1 = startOne(scheduler, webService());
        awaitHealthy(scheduler, webServiceD1);
        scheduler.close();
        ProcessHandle process = process(stateDir, webServiceD1);
        process.destroyForcibly();
        eventually().until(() -> !process.isAlive());

        ProcessScheduler next = open(stateDir, OPTIONS);

        assertThat(observed(next, webServiceD1).exit()).hasValueSatisfying(exit -> {
            assertThat(exit.code()).isEqualTo(Exit.UNKNOWN_CODE);
            assertThat(exit.reason()).isEqualTo("exited while the control plane was down");
        });
        assertThat(InstanceRecord.read(stateDir.resolve("instances/" + webServiceD1)).exit()).isPresent();
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
        String webServiceMine = startOne(scheduler, webService());
        awaitHealthy(scheduler, webServiceMine);

        ProcessScheduler other = open(otherStateDir, OPTIONS);

        assertThat(other.instances()).isEmpty();
        assertThat(observed(scheduler, webServiceMine).running()).isTrue();
        assertThat(get(observed(scheduler, webServiceMine).address().orElseThrow(), "/health/is_alive")).isPresent();
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
        String webServiceR1 = startOne(small, webService());
        Address address = awaitHealthy(small, webServiceR1);
        Path dir = stateDir.resolve("instances/" + webServiceR1);

        eventually().until(() -> Files.exists(dir.resolve("output.log.1")));

        assertThat(dir.resolve("output.log")).isEmptyFile();
        assertThat(dir.resolve("output.log.1")).content().startsWith("web-service listening on " + address);
        InstanceId id = new InstanceId(webServiceR1);
        assertThat(small.tailLog(id, 5)).singleElement(STRING)
                .startsWith("web-service listening on " + address);
        LogPage afterRotation = small.readLog(id, new LogCursor("120"), 1024); // a cursor from before the rotation
        assertThat(afterRotation.bytes()).isEmpty();
        assertThat(afterRotation.next()).isEqualTo(new LogCursor("0"));
    }

    @Test
    void forgetDeletesAnExitedInstanceAndRefusesARunningOne() {
        String missing2 = startOne(scheduler, spec(files.resolve("none.jar").toUri()));
        String webServiceF1 = startOne(scheduler, webService());
        InstanceId exited = new InstanceId(missing2);

        scheduler.forget(exited);
        scheduler.forget(new InstanceId("never-launched"));

        assertThat(find(scheduler, missing2)).isEmpty();
        assertThat(stateDir.resolve("instances/" + missing2)).doesNotExist();
        assertThat(scheduler.tailLog(exited, 10)).isEmpty();
        assertThatThrownBy(() -> scheduler.forget(new InstanceId(webServiceF1)))
                .isInstanceOf(ApolloException.Conflict.class)
                .hasMessageContaining("still running");
        assertThat(stateDir.resolve("instances/" + webServiceF1)).isDirectory();
    }

    @Test
    void closedSchedulerRefusesToStartInstances() {
        scheduler.close();
        scheduler.close();

        assertThatThrownBy(() -> scheduler.ensure(webService(), 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
