package dev.apollo.scheduler.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apollo.core.port.ArtifactKind;
import dev.apollo.core.port.ObservedInstance;
import dev.apollo.core.port.Scheduler;
import dev.apollo.testkit.SchedulerContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The Swarm scheduler keeps the scheduler contract with real tasks of the example web service on
 * the local engine, which must be a Swarm manager ({@code ./test} makes it one: bin/docker.sh).
 * Each test runs in a namespace of its own, removed after it.
 */
class SwarmSchedulerContractTest extends SchedulerContract {
    private static Engine engine;

    private String namespace;

    @BeforeAll
    static void engineAndImages() {
        engine = Engine.connect(Engine.DEFAULT_HOST);
        engine.requireManager();
        // The base image takes a jlink the first time (~40 s): made here rather than inside a test's 30 s.
        Images images = new Images(engine);
        JarImage.ensure(images, RuntimeImage.ofRunningJdk().ensure(images), SwarmFixtures.webServiceJar());
    }

    @AfterAll
    static void closeEngine() {
        engine.close();
    }

    @Override
    protected Scheduler open() {
        namespace = SwarmFixtures.newNamespace();
        return SwarmScheduler.open(SwarmFixtures.options(namespace));
    }

    @Override
    protected Scheduler reopen(Scheduler running) {
        running.close();
        return SwarmScheduler.open(SwarmFixtures.options(namespace));
    }

    @Override
    protected URI runnableArtifact() {
        return SwarmFixtures.webServiceJar().toUri();
    }

    @Override
    protected URI brokenArtifact() {
        return Path.of(System.getProperty("java.io.tmpdir"), "apollo-no-such-" + namespace + ".jar").toUri();
    }

    @Override
    protected Optional<ArtifactKind> kindNotRun() {
        return Optional.empty();
    }

    @Override
    protected boolean serves(ObservedInstance instance) {
        return instance.address().flatMap(address -> SwarmFixtures.get(address, "/health/is_alive")).isPresent();
    }

    @Override
    protected Map<String, String> variablesOf(ObservedInstance instance) {
        return environmentOfProcess(SwarmFixtures.pid(engine, instance));
    }

    @Override
    protected List<String> argumentsOf(ObservedInstance instance) {
        try {
            long pid = SwarmFixtures.pid(engine, instance);
            List<String> all = List.of(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).split("\0"));
            return all.subList(all.indexOf("-jar") + 2, all.size());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void killFromOutside(ObservedInstance instance) {
        String container = SwarmFixtures.container(engine, instance);
        engine.send("POST", "/containers/" + container + "/kill", null, Map.of()).close();
        eventually().until(() -> {
            JsonNode state = engine.get("/containers/" + container + "/json").path("State");
            return !state.path("Running").asBoolean();
        });
    }

    @Override
    protected String firstLinePrefix() {
        return "web-service listening on ";
    }

    @Override
    protected void cleanUp() {
        SwarmFixtures.removeNamespace(engine, namespace);
    }
}
