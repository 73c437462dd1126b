package dev.apollo.scheduler.local;

import dev.apollo.core.model.Address;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.model.Version;
import dev.apollo.core.port.ArtifactKind;
import dev.apollo.core.port.ReleaseSpec;
import dev.apollo.core.port.ObservedInstance;
import dev.apollo.core.port.Scheduler;
import dev.apollo.examples.web.WebService;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Real instances for the tests: the example web service's jar, specs for it, and a way to call it. */
final class Fixtures {
    static final ServiceName SERVICE = ServiceName.of("web-service");
    static final Version VERSION = Version.of("1.6.0");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Fixtures() {}

    /** The example's jar, from the test classpath, or the module build when run from an IDE. */
    static Path webServiceJar() {
        try {
            Path location = Path.of(WebService.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(location)) {
                return location;
            }
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Path built = Path.of("../examples/web-service/target/web-service.jar").toAbsolutePath().normalize();
        if (!Files.isRegularFile(built)) {
            throw new IllegalStateException("No web-service jar at " + built + "; build examples/web-service first.");
        }
        return built;
    }

    static ReleaseSpec spec(URI artifact) {
        return ReleaseSpec.plain(new ReleaseId(7), EnvironmentName.PRODUCTION, SERVICE, VERSION, ArtifactKind.JAR,
                artifact, 64, Map.of(
                        "APOLLO_SERVICE", SERVICE.value(),
                        "APOLLO_VERSION", VERSION.value(),
                        "APOLLO_ENV", "production"));
    }

    static ReleaseSpec webService() {
        return spec(webServiceJar().toUri());
    }

    /** {@code release} with the program arguments and JVM options a deploy gave it. */
    static ReleaseSpec withOptions(ReleaseSpec release, List<String> arguments, List<String> jvmOptions) {
        return new ReleaseSpec(release.id(), release.environment(), release.service(), release.version(), release.kind(),
                release.artifact(), release.memoryMb(), release.variables(), release.secrets(), arguments, jvmOptions);
    }

    /** Starts one more instance of {@code release} and returns its id. */
    static String startOne(Scheduler scheduler, ReleaseSpec release) {
        long running = scheduler.instances().stream()
                .filter(i -> i.release().equals(release.id()) && i.running() && !i.stopRequested()).count();
        return scheduler.ensure(release, (int) running + 1).get(0).id().value();
    }

    static ObservedInstance observed(Scheduler scheduler, String id) {
        return find(scheduler, id).orElseThrow(() -> new AssertionError("no instance " + id + " in " + scheduler.instances()));
    }

    static Optional<ObservedInstance> find(Scheduler scheduler, String id) {
        return scheduler.instances().stream().filter(i -> i.id().value().equals(id)).findFirst();
    }

    /** The body of a GET, or empty while nothing answers there. */
    static Optional<String> get(Address address, String path) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://" + address + path)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    static ProcessHandle process(Path stateDir, String id) throws IOException {
        long pid = InstanceRecord.read(stateDir.resolve("instances").resolve(id)).pid().orElseThrow();
        return ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("process " + pid + " of " + id + " is gone"));
    }

    /** Kills whatever a test left running under {@code stateDir}, found the way adoption finds it. */
    static void killAll(Path stateDir) {
        if (!Files.isDirectory(stateDir)) {
            return;
        }
        HomeMarker marker;
        try {
            marker = new HomeMarker(stateDir.toRealPath());
        } catch (IOException e) {
            return;
        }
        marker.scan().values().forEach(processes -> processes.forEach(p -> {
            p.destroyForcibly();
            p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(x -> p).join();
        }));
    }
}
