package dev.apollo.gateway;

import static org.awaitility.Awaitility.await;

import dev.apollo.examples.web.WebService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Real example web-service instances as processes, as the local scheduler would run them. Stops them all on close. */
public final class ExampleInstances implements AutoCloseable {
    public record Instance(String id, int port, Process process) {
        public String address() {
            return "127.0.0.1:" + port;
        }
    }

    private final List<Instance> started = new ArrayList<>();

    /** Starts all in parallel and returns once every one answers its health check. */
    public synchronized List<Instance> start(String service, String version, String... ids) {
        List<Instance> instances = new ArrayList<>();
        for (String id : ids) {
            int port = freePort();
            ProcessBuilder builder = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    // Without it the JDK server sends headers and body in two Nagle-delayed segments: 40 ms a request.
                    "-Dsun.net.httpserver.nodelay=true", "-jar", jar().toString());
            builder.environment().put("PORT", Integer.toString(port));
            builder.environment().put("APOLLO_SERVICE", service);
            builder.environment().put("APOLLO_VERSION", version);
            builder.environment().put("APOLLO_INSTANCE_ID", id);
            builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            try {
                Instance instance = new Instance(id, port, builder.start());
                started.add(instance);
                instances.add(instance);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        HttpClient client = HttpClient.newHttpClient();
        for (Instance instance : instances) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                    .until(() -> client.send(HttpRequest.newBuilder(
                                    URI.create("http://" + instance.address() + "/health/is_alive")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        }
        client.shutdownNow();
        return instances;
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The module's sibling build output, else the jar Maven put on our test classpath. */
    public static Path jar() {
        Path sibling = Path.of("../examples/web-service/target/web-service.jar");
        if (Files.isRegularFile(sibling)) {
            return sibling.toAbsolutePath();
        }
        try {
            return Path.of(WebService.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        for (Instance instance : started) {
            instance.process().destroy();
        }
        for (Instance instance : started) {
            try {
                if (!instance.process().waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    instance.process().destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                instance.process().destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        started.clear();
    }
}
