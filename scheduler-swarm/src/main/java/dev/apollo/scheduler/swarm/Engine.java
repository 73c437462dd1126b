package dev.apollo.scheduler.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient.Request;
import com.github.dockerjava.transport.DockerHttpClient.Response;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.apollo.core.ApolloException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * One Docker engine's API: docker-java's typed commands where its model says all we need, and raw
 * JSON over the same transport where it must not lose a field (a service update sends back the
 * engine's own spec, or Swarm would see a changed task template and replace every task) or where
 * the model is too coarse (log timestamps to the nanosecond, image import and build as streams).
 */
final class Engine implements AutoCloseable {
    static final URI DEFAULT_HOST = URI.create("unix:///var/run/docker.sock");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI host;
    private final DockerHttpClient http;
    private final DockerClient client;

    private Engine(URI host, DockerHttpClient http, DockerClient client) {
        this.host = host;
        this.http = http;
        this.client = client;
    }

    /** Connects to the engine at {@code host} ({@code unix:///var/run/docker.sock}, {@code tcp://...}); nothing is sent yet. */
    static Engine connect(URI host) {
        DockerHttpClient http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(host)
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofMinutes(5)) // an image build answers only when done
                .maxConnections(32)
                .build();
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host.toString())
                .withDockerTlsVerify(false)
                .build();
        return new Engine(host, http, DockerClientImpl.getInstance(config, http));
    }

    URI host() {
        return host;
    }

    DockerClient client() {
        return client;
    }

    static ObjectMapper json() {
        return JSON;
    }

    /**
     * Fails, saying what to run, unless the engine answers and is a Swarm manager: the scheduler
     * creates services, which only a manager can.
     */
    void requireManager() {
        JsonNode info;
        try {
            info = get("/info");
        } catch (ApolloException e) {
            throw new ApolloException("No Docker engine answers at " + host + " (" + e.getMessage() + "). Install one"
                    + " (apt-get install docker.io) and start it (dockerd, or systemctl start docker), then make it a"
                    + " Swarm manager (docker swarm init --advertise-addr 127.0.0.1).", e);
        }
        String state = info.path("Swarm").path("LocalNodeState").asText("");
        if (!state.equals("active")) {
            throw new ApolloException("The Docker engine at " + host + " is not part of a swarm (state '" + state
                    + "'). Make it a Swarm manager: docker swarm init --advertise-addr 127.0.0.1");
        }
        if (!info.path("Swarm").path("ControlAvailable").asBoolean(false)) {
            throw new ApolloException("The Docker engine at " + host + " is a Swarm worker, not a manager: run Apollo on"
                    + " a manager (docker node ls there), or promote this node (docker node promote "
                    + info.path("Swarm").path("NodeID").asText() + ", on a manager).");
        }
    }

    JsonNode get(String path) {
        return call("GET", path, null);
    }

    JsonNode post(String path, Object body) {
        return call("POST", path, body);
    }

    void delete(String path) {
        call("DELETE", path, null);
    }

    private JsonNode call(String method, String path, Object body) {
        try {
            byte[] bytes = body == null ? null : JSON.writeValueAsBytes(body);
            try (Response response = send(method, path, bytes == null ? null : new ByteArrayInputStream(bytes),
                    Map.of("Content-Type", "application/json"))) {
                byte[] answer = response.getBody().readAllBytes();
                return answer.length == 0 ? JSON.nullNode() : JSON.readTree(answer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " on the Docker engine at " + host + " failed", e);
        }
    }

    /** Sends a request and returns the open response for the caller to read and close; a status >= 400 throws. */
    Response send(String method, String path, InputStream body, Map<String, String> headers) {
        Request.Builder request = Request.builder().method(Request.Method.valueOf(method)).path(path).headers(headers);
        if (body != null) {
            request.body(body);
        }
        Response response;
        try {
            response = http.execute(request.build());
        } catch (RuntimeException e) {
            throw new ApolloException(method + " " + path + ": the Docker engine at " + host + " does not answer: " + e, e);
        }
        if (response.getStatusCode() >= 400) {
            String message;
            try (response) {
                byte[] answer = response.getBody().readAllBytes();
                message = JSON.readTree(answer).path("message").asText(new String(answer, StandardCharsets.UTF_8));
            } catch (IOException e) {
                message = "(no readable answer)";
            }
            throw error(response.getStatusCode(), method + " " + path + ": " + message);
        }
        return response;
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the engine answered, as our errors: a missing object is the common, expected one. */
    private static ApolloException error(int status, String message) {
        return switch (status) {
            case 404 -> new ApolloException.NotFound("Docker engine: " + message);
            case 409 -> new ApolloException.Conflict("Docker engine: " + message);
            case 400 -> new ApolloException.Invalid("Docker engine: " + message);
            default -> new ApolloException("Docker engine (HTTP " + status + "): " + message);
        };
    }
}
