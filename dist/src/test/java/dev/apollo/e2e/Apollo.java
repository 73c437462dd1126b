package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.apollo.api.Json;
import dev.apollo.api.Views.InstanceView;
import dev.apollo.api.Views.ServiceStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Apollo for end-to-end tests: apollo.jar run as the user runs it, a control plane of its
 * own in a temporary data dir on a free port, real instance processes. Closing it runs
 * {@code apollo down} and then makes sure no process of this data dir is left.
 */
final class Apollo implements AutoCloseable {
    static final Path JAR = Path.of(System.getProperty("apollo.jar", "target/apollo.jar")).toAbsolutePath();
    static final Path REPO = Path.of(System.getProperty("apollo.repo", "..")).toAbsolutePath().normalize();
    static final Path WEB_SERVICE_JAR = REPO.resolve("examples/web-service/target/web-service.jar");
    static final Path RPC_SERVICE_JAR = REPO.resolve("examples/rpc-service/target/rpc-service.jar");
    static final Path CONFIG_SERVICE_JAR = REPO.resolve("examples/config-service/target/config-service.jar");
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    private final Path home;
    private final List<String> upFlags;
    /** Variables every CLI run (and so the control plane it starts) gets, on top of ours. */
    private final Map<String, String> environment;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    record Result(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private Apollo(Path home, List<String> upFlags, Map<String, String> environment) {
        this.home = home;
        this.upFlags = upFlags;
        this.environment = Map.copyOf(environment);
    }

    /** A data dir with no control plane running yet. */
    static Apollo in(Path home) {
        return new Apollo(home, List.of(), Map.of());
    }

    /** Starts a control plane in the background on free ports, with extra flags for 'apollo up', and waits until it answers. */
    static Apollo up(Path home, String... upFlags) {
        return upWith(Map.of(), home, upFlags);
    }

    /** {@link #up} with variables for the CLI and the control plane (DOCKER_HOST: the Swarm scheduler's engine). */
    static Apollo upWith(Map<String, String> environment, Path home, String... upFlags) {
        Apollo apollo = new Apollo(home, List.of(upFlags), environment);
        apollo.start();
        return apollo;
    }

    void start() {
        List<String> up = new ArrayList<>(List.of("up", "--detach", "--listen", "127.0.0.1:0", "--web", "127.0.0.1:0",
                "--rpc", "127.0.0.1:0"));
        up.addAll(upFlags);
        Result result = cli(up.toArray(String[]::new));
        assertThat(result.exit()).as("apollo up --detach: %s", result).isZero();
    }

    Path home() {
        return home;
    }

    /** Runs the real CLI (java -jar apollo.jar) against this data dir; waits at most 3 minutes. */
    Result cli(String... args) {
        return cliWithInput(null, args);
    }

    /** The CLI with {@code input} on its standard input (null: none, as from /dev/null). */
    Result cliWithInput(String input, String... args) {
        List<String> command = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString()));
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("APOLLO_HOME", home.toString());
        builder.environment().remove("APOLLO_SERVER");
        builder.environment().remove("APOLLO_TOKEN");
        builder.environment().putAll(environment);
        try {
            Path out = Files.createTempFile("apollo-cli", ".out");
            Path err = Files.createTempFile("apollo-cli", ".err");
            Path in = Files.createTempFile("apollo-cli", ".in");
            Files.writeString(in, input == null ? "" : input);
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(in.toFile())).start();
            if (!process.waitFor(3, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("apollo " + String.join(" ", args) + " did not finish within 3 minutes");
            }
            Result result = new Result(process.exitValue(), Files.readString(out), Files.readString(err));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            Files.deleteIfExists(in);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The CLI, expected to succeed. */
    Result ok(String... args) {
        Result result = cli(args);
        assertThat(result.exit()).as("apollo %s\n%s", String.join(" ", args), result.all()).isZero();
        return result;
    }

    String url() {
        return stateFile("server.json").get("url").asText();
    }

    long serverPid() {
        return stateFile("server.json").get("pid").asLong();
    }

    /** Where the web gateway listens (HOST:PORT), from the state file it writes once it listens. */
    String gateway() {
        return stateFile("gateway.json").get("web").asText();
    }

    /** Where the RPC gateway listens (HOST:PORT). */
    String rpcGateway() {
        return stateFile("gateway.json").get("rpc").asText();
    }

    /** A call through the RPC gateway: POST /path with a JSON body and extra headers (name, value...). */
    HttpResponse<String> viaRpc(String path, String json, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + rpcGateway() + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    long gatewayPid() {
        return stateFile("gateway.json").get("pid").asLong();
    }

    /** A request through the web gateway, with extra headers (name, value, name, value...). */
    HttpResponse<String> viaGateway(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + gateway() + path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    /** One of the JSON files a running control plane or gateway keeps in the data dir. */
    private JsonNode stateFile(String name) {
        try {
            return Json.mapper().readTree(home.resolve(name).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    String token() {
        try {
            return Files.readString(home.resolve("token")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A raw API call, for what the CLI does not show (status codes, error bodies). */
    HttpResponse<String> api(String method, String path, String body, boolean withToken) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (withToken) {
            request.header("Authorization", "Bearer " + token());
        }
        return send(request.build());
    }

    /** The platform's latest events, one line each with its local time: what a failed load test is read against. */
    String recentEvents() {
        HttpResponse<String> response = api("GET", "/v1/dashboard/recent-events?limit=200", null, true);
        StringBuilder lines = new StringBuilder();
        json(response.body()).path("events").forEach(event -> lines.append(LocalTime.ofInstant(
                Instant.parse(event.path("at").asText()), ZoneId.systemDefault()).truncatedTo(ChronoUnit.MILLIS)).append(' ')
                .append(event.path("type").asText()).append(' ').append(event.path("message").asText()).append('\n'));
        return lines.toString();
    }

    Optional<ServiceStatus> status(String service) {
        HttpResponse<String> response = api("GET", "/v1/environments/production/services/" + service, null, true);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        try {
            return Optional.of(Json.mapper().readValue(response.body(), ServiceStatus.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    <T> T read(String text, TypeReference<T> type) {
        try {
            return Json.mapper().readValue(text, type);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /**
     * Waits until the service's live release runs exactly {@code count} instances, all healthy, and
     * returns its status with only those (status also lists failed instances, kept for diagnosis,
     * and the instances of a previous release kept warm for rollback).
     */
    ServiceStatus awaitHealthy(String service, int count) {
        ServiceStatus status = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> status(service).orElse(null), s -> s != null
                        && running(s).size() == count
                        && running(s).stream().allMatch(i -> i.health().equals("healthy")));
        return new ServiceStatus(status.environment(), status.service(), status.live(), status.deploying(), running(status),
                status.restarts(), status.backoffUntil(), status.lastExit(), status.previous(), status.testbed());
    }

    static List<InstanceView> running(ServiceStatus status) {
        return status.instances().stream()
                .filter(i -> !i.health().equals("exited"))
                .filter(i -> status.live() == null || i.release().equals(status.live().id()))
                .toList();
    }

    /** POST http://address/path with no body, straight to an instance. */
    void post(String address, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address + path)).timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response = send(request);
        assertThat(response.statusCode()).as("POST %s%s: %s", address, path, response.body()).isEqualTo(200);
    }

    /** GET http://address/path, straight to an instance. */
    String get(String address, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address + path)).timeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = send(request);
        assertThat(response.statusCode()).as("GET %s%s: %s", address, path, response.body()).isEqualTo(200);
        return response.body();
    }

    /** Processes that carry this data dir's instance marker: what actually runs, seen from outside. */
    List<ProcessHandle> instanceProcesses() {
        String marker = "-Dapollo.home=" + realHome();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> Arrays.asList(a).contains(marker)).orElse(false))
                .toList();
    }

    Optional<ProcessHandle> instanceProcess(String instanceId) {
        return instanceProcesses().stream()
                .filter(p -> p.info().arguments().map(a -> Arrays.asList(a).contains("-Dapollo.instance=" + instanceId))
                        .orElse(false))
                .findFirst();
    }

    private String realHome() {
        try {
            return home.toRealPath().toString();
        } catch (IOException e) {
            return home.toAbsolutePath().toString();
        }
    }

    @Override
    public void close() {
        if (Files.exists(home.resolve("server.json"))) {
            cli("down");
        }
        instanceProcesses().forEach(ProcessHandle::destroyForcibly);
        // An nginx gateway left behind (a test that killed the control plane): the master first, since a master whose
        // worker dies starts another, then the workers it had, which outlive it.
        nginxMasters().forEach(master -> {
            List<ProcessHandle> workers = master.children().toList();
            master.destroyForcibly();
            master.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> master).join();
            workers.forEach(ProcessHandle::destroyForcibly);
        });
        ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains("--home " + home)
                        || String.join(" ", a).contains(home.resolve("gateway.json").toString())
                        || String.join(" ", a).contains(home.resolve("gateway-2.json").toString())).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
    }

    /** The nginx masters of this data dir's nginx gateway. */
    List<ProcessHandle> nginxMasters() {
        return ProcessHandle.allProcesses().filter(p -> commandLine(p).contains(home.resolve("nginx").toString())).toList();
    }

    /** As /proc shows it: nginx rewrites its argv into one line ("nginx: master process ... -c FILE"). */
    private static String commandLine(ProcessHandle process) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline")).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }
}
