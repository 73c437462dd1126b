package dev.apollo.scheduler.swarm;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apollo.core.model.Address;
import dev.apollo.core.port.ObservedInstance;
import dev.apollo.examples.web.WebService;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** The Swarm tests' helpers: the example's jar, a namespace of their own, and looking at tasks from outside. */
final class SwarmFixtures {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private SwarmFixtures() {}

    static String newNamespace() {
        byte[] bytes = new byte[3];
        ThreadLocalRandom.current().nextBytes(bytes);
        return "apollo-test-" + HexFormat.of().formatHex(bytes);
    }

    static SwarmScheduler.Options options(String namespace) {
        return SwarmScheduler.Options.defaults().withNamespace(namespace)
                .withHousekeepingInterval(Duration.ofMillis(200));
    }

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

    /** The container of an instance's task: the task id ends the instance id. */
    static String container(Engine engine, ObservedInstance instance) {
        String id = instance.id().value();
        String task = id.substring(id.lastIndexOf('-') + 1);
        JsonNode found = engine.get("/containers/json?all=1&filters=" + filter("label", "com.docker.swarm.task.id=" + task));
        if (found.isEmpty()) {
            throw new AssertionError("no container for task " + task + " of " + instance);
        }
        return found.get(0).path("Id").asText();
    }

    /** The pid on this machine of the task's main process (java: the launch line execs it). */
    static long pid(Engine engine, ObservedInstance instance) {
        return engine.get("/containers/" + container(engine, instance) + "/json").path("State").path("Pid").asLong();
    }

    /** Removes a namespace's services and secrets and waits until its containers are gone. */
    static void removeNamespace(Engine engine, String namespace) {
        String label = ReleaseService.NAMESPACE + "=" + namespace;
        for (JsonNode service : engine.get("/services?filters=" + filter("label", label))) {
            try {
                engine.delete("/services/" + service.path("ID").asText());
            } catch (RuntimeException e) {
                // removed meanwhile
            }
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> engine.get("/containers/json?all=1&filters=" + filter("label", label)).isEmpty());
        for (JsonNode secret : engine.get("/secrets?filters=" + filter("label", label))) {
            engine.delete("/secrets/" + secret.path("ID").asText());
        }
    }

    static String filter(String name, String value) {
        String json = Engine.json().createObjectNode().set(name, Engine.json().valueToTree(List.of(value))).toString();
        return URLEncoder.encode(json, StandardCharsets.UTF_8);
    }
}
