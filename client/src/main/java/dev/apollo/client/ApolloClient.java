package dev.apollo.client;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.type.TypeFactory;
import dev.apollo.api.RouteTableView;
import dev.apollo.api.Views.ArtifactView;
import dev.apollo.api.Views.ConfigurationChangeRequest;
import dev.apollo.api.Views.ConfigurationView;
import dev.apollo.api.Views.DashboardLink;
import dev.apollo.api.Views.DeployRequest;
import dev.apollo.api.Views.DeployResponse;
import dev.apollo.api.Views.EnvironmentRequest;
import dev.apollo.api.Views.EnvironmentView;
import dev.apollo.api.Views.EventView;
import dev.apollo.api.Views.ImageArtifactRequest;
import dev.apollo.api.Views.ExternalRequest;
import dev.apollo.api.Views.ExternalView;
import dev.apollo.api.Views.GatewayView;
import dev.apollo.api.Views.LeadershipView;
import dev.apollo.api.Views.LogLines;
import dev.apollo.api.Views.PromoteRequest;
import dev.apollo.api.Views.ReleaseView;
import dev.apollo.api.Views.RollbackResponse;
import dev.apollo.api.Views.RouteRequest;
import dev.apollo.api.Views.RouteView;
import dev.apollo.api.Views.ScaleRequest;
import dev.apollo.api.Views.SecretRequest;
import dev.apollo.api.Views.SecretView;
import dev.apollo.api.Views.ServerInfo;
import dev.apollo.api.Views.ServiceStatus;
import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The control plane's REST API (docs/API.md), one method per endpoint. Every method throws
 * {@link ApiException} for an error answer, {@link ServerUnavailableException} when nothing
 * listens, and {@link ApolloClientException} for anything else; all unchecked.
 */
public final class ApolloClient implements AutoCloseable {
    private static final TypeFactory TYPES = TypeFactory.defaultInstance();
    private static final Duration EVENT_IDLE_TIMEOUT = Duration.ofSeconds(35);

    private final HttpTransport transport;
    private final EventStream events;

    private ApolloClient(Connection connection) {
        this.transport = new HttpTransport(connection);
        this.events = new EventStream(transport, EVENT_IDLE_TIMEOUT, Duration.ofMillis(250));
    }

    public static ApolloClient connect(Connection connection) {
        return new ApolloClient(connection);
    }

    public Connection connection() {
        return transport.connection();
    }

    public ServerInfo info() {
        return get("/v1/info", type(ServerInfo.class));
    }

    /** Asks the control plane to stop its instances and exit; returns once it has accepted. */
    public void shutdown() {
        transport.send(json("/v1/shutdown").POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** Uploads a jar, streamed from disk. */
    /** Uploads a jar or an image archive ({@code docker save} output); the server tells which by its content. */
    public Pushed pushArtifact(String name, String version, Path file) {
        HttpRequest.BodyPublisher body;
        try {
            body = HttpRequest.BodyPublishers.ofFile(file);
        } catch (FileNotFoundException e) {
            throw new ApolloClientException("Cannot read " + file + ": no such file.", e);
        }
        return pushed(name, version, transport.request(artifactPath(name, version))
                .header("Content-Type", "application/octet-stream")
                .timeout(Duration.ofMinutes(10))
                .PUT(body).build());
    }

    /** Records an image the control plane's engine already has as {@code name:version}. */
    public Pushed pushImage(String name, String version, String image) {
        return pushed(name, version, json(artifactPath(name, version) + "/image")
                .PUT(HttpTransport.jsonBody(new ImageArtifactRequest(image))).build());
    }

    private static String artifactPath(String name, String version) {
        return UriPaths.path("v1", "artifacts", UriPaths.segment(name), UriPaths.segment(version));
    }

    private Pushed pushed(String name, String version, HttpRequest request) {
        HttpResponse<byte[]> response = transport.send(request);
        try {
            return new Pushed(HttpTransport.reader().readValue(response.body(), ArtifactView.class), response.statusCode() == 201);
        } catch (IOException e) {
            throw new ApolloClientException("The control plane's answer to the push of " + name + ":" + version
                    + " cannot be read: " + e.getMessage(), e);
        }
    }

    public List<ArtifactView> artifacts() {
        return get("/v1/artifacts", listOf(ArtifactView.class));
    }

    public DeployResponse deploy(DeployRequest request) {
        return send("POST", "/v1/deploys", request, type(DeployResponse.class));
    }

    /** Every service in {@code environment}, or in every environment when it is empty. */
    public List<ServiceStatus> services(Optional<String> environment) {
        String query = environment.map(env -> UriPaths.query(Map.of("environment", env))).orElse("");
        return get("/v1/services" + query, listOf(ServiceStatus.class));
    }

    public List<EnvironmentView> environments() {
        return get("/v1/environments", listOf(EnvironmentView.class));
    }

    public ServiceStatus service(String environment, String service) {
        return get(servicePath(environment, service, ""), type(ServiceStatus.class));
    }

    public ReleaseView scale(String environment, String service, int instances) {
        return send("PUT", servicePath(environment, service, "/instances"), new ScaleRequest(instances), type(ReleaseView.class));
    }

    /** Stops the service in {@code environment}; returns the releases it stopped. */
    public List<ReleaseView> undeploy(String environment, String service) {
        return send("DELETE", servicePath(environment, service, ""), null, listOf(ReleaseView.class));
    }

    /** The service's releases, newest first. */
    public List<ReleaseView> history(String environment, String service) {
        return get(servicePath(environment, service, "/history"), listOf(ReleaseView.class));
    }

    /** The last {@code lines} lines of each instance's output (or of one instance's). */
    public List<LogLines> logs(String environment, String service, Optional<String> instance, int lines) {
        Map<String, String> query = new LinkedHashMap<>();
        instance.ifPresent(id -> query.put("instance", id));
        query.put("lines", Integer.toString(lines));
        return get(servicePath(environment, service, "/logs") + UriPaths.query(query), listOf(LogLines.class));
    }

    /** Streams new log lines, each prefixed with "[instance-id] ", until the server ends the stream. */
    public void followLogs(String environment, String service, Optional<String> instance, Consumer<String> lineSink) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("follow", "true");
        instance.ifPresent(id -> query.put("instance", id));
        HttpRequest request = transport.request(servicePath(environment, service, "/logs") + UriPaths.query(query))
                .header("Accept", "text/plain").GET().build();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(transport.stream(request), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineSink.accept(line);
            }
        } catch (IOException e) {
            throw transport.failure(request, e);
        }
    }

    /**
     * Delivers events with an id above {@code after} that match {@code filter}, in order, until one
     * satisfies {@code stop}; returns that event's id. A dropped connection is resumed after the last
     * event delivered, up to a few times in a row.
     */
    public long events(long after, EventFilter filter, Consumer<EventView> sink, Predicate<EventView> stop) {
        return events.follow(after, filter, sink, stop);
    }

    /** Puts the previous release back: a route switch within the rollback window, else a blue/green deploy. */
    public RollbackResponse rollback(String environment, String service) {
        return send("POST", servicePath(environment, service, "/rollback"), null, type(RollbackResponse.class));
    }

    public DeployResponse promoteTestbed(String environment, String service, Optional<Integer> instances) {
        return send("POST", servicePath(environment, service, "/testbed/promote"), new PromoteRequest(instances.orElse(null)),
                type(DeployResponse.class));
    }

    public ReleaseView discardTestbed(String environment, String service) {
        return send("DELETE", servicePath(environment, service, "/testbed"), null, type(ReleaseView.class));
    }

    /** Rolls the live release onto the service's current configuration, blue/green. */
    public DeployResponse restart(String environment, String service) {
        return send("POST", servicePath(environment, service, "/restart"), null, type(DeployResponse.class));
    }

    public ConfigurationView configuration(String environment, String service) {
        return get(servicePath(environment, service, "/configuration"), type(ConfigurationView.class));
    }

    /** Sets and unsets variables of a service's configuration in one change. */
    public ConfigurationView configure(String environment, String service, Map<String, String> set, List<String> unset) {
        return send("PATCH", servicePath(environment, service, "/configuration"), new ConfigurationChangeRequest(set, unset),
                type(ConfigurationView.class));
    }

    public SecretView setSecret(String environment, String service, String name, String value) {
        return send("PUT", servicePath(environment, service, "/secrets/" + UriPaths.segment(name)), new SecretRequest(value),
                type(SecretView.class));
    }

    public void removeSecret(String environment, String service, String name) {
        send("DELETE", servicePath(environment, service, "/secrets/" + UriPaths.segment(name)), null, type(Object.class));
    }

    public List<RouteView> routes(String environment) {
        return get(routesPath(environment), listOf(RouteView.class));
    }

    public RouteView addRoute(String environment, String path, String service) {
        return send("PUT", routesPath(environment), new RouteRequest(path, service), type(RouteView.class));
    }

    public void removeRoute(String environment, String path) {
        send("DELETE", routesPath(environment) + UriPaths.query(Map.of("path", path)), null, type(Object.class));
    }

    public EnvironmentView createEnvironment(String name, Optional<String> fallback) {
        return send("POST", "/v1/environments", new EnvironmentRequest(name, fallback.orElse(null)), type(EnvironmentView.class));
    }

    /** Deletes an environment; returns the releases it undeployed. */
    public List<ReleaseView> deleteEnvironment(String name) {
        return send("DELETE", UriPaths.path("v1", "environments", UriPaths.segment(name)), null, listOf(ReleaseView.class));
    }

    public List<ExternalView> externals(String environment) {
        return get(externalsPath(environment), listOf(ExternalView.class));
    }

    public ExternalView addExternal(String environment, String name, String url) {
        return send("PUT", externalsPath(environment), new ExternalRequest(name, url), type(ExternalView.class));
    }

    public void removeExternal(String environment, String name) {
        send("DELETE", externalsPath(environment) + "/" + UriPaths.segment(name), null, type(Object.class));
    }

    private static String externalsPath(String environment) {
        return UriPaths.path("v1", "environments", UriPaths.segment(environment), "externals");
    }

    /** The route table the gateways serve right now. */
    public RouteTableView routeTable() {
        return get("/v1/routes", type(RouteTableView.class));
    }

    /** The gateway in front of the instances: which kind, where it listens, and what an nginx gateway serves. */
    /** Which control plane leads, and every one sharing the store (a 404 from a control plane older than this). */
    public LeadershipView leadership() {
        return get("/v1/leadership", type(LeadershipView.class));
    }

    public GatewayView gateway() {
        return get("/v1/gateway", type(GatewayView.class));
    }

    /** The nginx.conf the route table renders to (only {@code environment}'s part when given), byte for byte. */
    public String gatewayConfig(Optional<String> environment) {
        String query = environment.map(env -> UriPaths.query(Map.of("environment", env))).orElse("");
        HttpRequest request = transport.request("/v1/gateway/config" + query)
                .header("Accept", "text/plain")
                .timeout(HttpTransport.REQUEST_TIMEOUT)
                .GET().build();
        return new String(transport.send(request).body(), StandardCharsets.UTF_8);
    }

    /** A one-time link that logs a browser into the web dashboard (good once, for a minute). */
    public DashboardLink dashboardLink() {
        return send("POST", "/v1/dashboard/links", null, type(DashboardLink.class));
    }

    @Override
    public void close() {
        transport.close();
    }

    private static String routesPath(String environment) {
        return UriPaths.path("v1", "environments", UriPaths.segment(environment), "routes");
    }

    private static String servicePath(String environment, String service, String suffix) {
        return UriPaths.path("v1", "environments", UriPaths.segment(environment), "services", UriPaths.segment(service)) + suffix;
    }

    private static JavaType type(Class<?> type) {
        return TYPES.constructType(type);
    }

    private static JavaType listOf(Class<?> element) {
        return TYPES.constructCollectionType(List.class, element);
    }

    private <T> T get(String pathAndQuery, JavaType type) {
        return transport.json(json(pathAndQuery).GET().build(), type);
    }

    /** {@code method path} with {@code body} as JSON (none when null); the answer read as {@code type}. */
    private <T> T send(String method, String pathAndQuery, Object body, JavaType type) {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody() : HttpTransport.jsonBody(body);
        return transport.json(json(pathAndQuery).method(method, publisher).build(), type);
    }

    private HttpRequest.Builder json(String pathAndQuery) {
        return transport.request(pathAndQuery)
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .timeout(HttpTransport.REQUEST_TIMEOUT);
    }
}
