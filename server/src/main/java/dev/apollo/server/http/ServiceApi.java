package dev.apollo.server.http;

import dev.apollo.api.Views.ConfigurationChangeRequest;
import dev.apollo.api.Views.DeployRequest;
import dev.apollo.api.Views.DeployResponse;
import dev.apollo.api.Views.PromoteRequest;
import dev.apollo.api.Views.ReleaseView;
import dev.apollo.api.Views.RollbackResponse;
import dev.apollo.api.Views.ScaleRequest;
import dev.apollo.api.Views.SecretRequest;
import dev.apollo.api.Views.ServiceStatus;
import dev.apollo.core.ApolloException;
import dev.apollo.core.config.RunSettings;
import dev.apollo.core.config.SettingsChange;
import dev.apollo.core.config.VariableName;
import dev.apollo.core.model.ArtifactRef;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.EnvironmentRules;
import dev.apollo.core.model.HealthCheck;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.RoutePath;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.port.Store;
import dev.apollo.server.ServerConfig;
import dev.apollo.server.control.Controller;
import dev.apollo.server.control.Deploy;
import dev.apollo.server.control.DeployResult;
import dev.apollo.server.control.RollbackResult;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Deploy, status, scale, undeploy and history of services. */
final class ServiceApi {
    private static final String SERVICE = "/v1/environments/{env}/services/{service}";

    private final Controller controller;
    private final Store store;
    private final ServerConfig config;
    private final Clock clock;
    private final HealthCheckRequests healthChecks = HealthCheckRequests.onThisMachine();

    ServiceApi(Controller controller, Store store, ServerConfig config, Clock clock) {
        this.controller = controller;
        this.store = store;
        this.config = config;
        this.clock = clock;
    }

    void register(Router router) {
        router.add("POST", "/v1/deploys", call -> {
            Deploy deploy = validate(call.readJson(DeployRequest.class));
            DeployResult result = controller.deploy(deploy);
            call.json(202, new DeployResponse(result.kind(), ViewMapper.release(result.release()), result.eventCursor()));
        });
        router.add("GET", "/v1/services", call -> {
            Optional<EnvironmentName> only = call.query("environment").map(EnvironmentName::of);
            only.ifPresent(this::requireEnvironment);
            var snapshot = controller.snapshot();
            List<ServiceStatus> services = snapshot.active().stream()
                    .filter(r -> only.isEmpty() || only.get().equals(r.environment()))
                    .map(r -> new Key(r.environment(), r.service()))
                    .distinct()
                    .sorted(Comparator.comparing(Key::environment).thenComparing(Key::service))
                    .flatMap(k -> ViewMapper.service(snapshot, k.environment(), k.service(), clock.instant()).stream())
                    .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
            // Services whose every release ended in failure still exist (their status answers): list them too,
            // with nothing running and their last failure, so that "apollo status" never says there are none.
            store.latestReleases().stream()
                    .filter(r -> r.state() == dev.apollo.core.model.ReleaseState.FAILED)
                    .filter(r -> only.isEmpty() || only.get().equals(r.environment()))
                    .map(r -> new Key(r.environment(), r.service()))
                    .filter(k -> services.stream().noneMatch(s -> s.environment().equals(k.environment().value())
                            && s.service().equals(k.service().value())))
                    .flatMap(k -> lastKnown(k).stream())
                    .forEach(services::add);
            services.sort(Comparator.comparing(ServiceStatus::environment).thenComparing(ServiceStatus::service));
            call.json(200, services);
        });
        router.add("GET", SERVICE, call -> {
            Key key = key(call);
            ServiceStatus status = ViewMapper.service(controller.snapshot(), key.environment(), key.service(), clock.instant())
                    .or(() -> lastKnown(key))
                    .orElseThrow(() -> unknownService(key));
            call.json(200, status);
        });
        router.add("PUT", SERVICE + "/instances", call -> {
            Key key = key(call);
            ScaleRequest request = call.readJson(ScaleRequest.class);
            if (request.instances() == null) {
                throw new ApolloException.Invalid("instances is missing from the request body (e.g. {\"instances\": 3}).");
            }
            Release release = controller.scale(key.environment(), key.service(), checkCount(request.instances()));
            call.json(200, ViewMapper.release(release));
        });
        router.add("POST", SERVICE + "/rollback", call -> {
            Key key = key(call);
            long started = System.nanoTime();
            RollbackResult result = controller.rollback(key.environment(), key.service());
            long millis = (System.nanoTime() - started) / 1_000_000;
            call.json(200, new RollbackResponse(result.kind(), ViewMapper.release(result.release()), millis,
                    result.eventCursor()));
        });
        router.add("POST", SERVICE + "/testbed/promote", call -> {
            Key key = key(call);
            PromoteRequest request = call.hasBody() ? call.readJson(PromoteRequest.class) : new PromoteRequest(null);
            Optional<Integer> instances = Optional.ofNullable(request.instances()).map(this::checkCount);
            DeployResult result = controller.promoteTestbed(key.environment(), key.service(), instances);
            call.json(202, new DeployResponse(result.kind(), ViewMapper.release(result.release()), result.eventCursor()));
        });
        router.add("DELETE", SERVICE + "/testbed", call -> {
            Key key = key(call);
            call.json(200, ViewMapper.release(controller.discardTestbed(key.environment(), key.service())));
        });
        router.add("DELETE", SERVICE, call -> {
            Key key = key(call);
            call.json(200, controller.undeploy(key.environment(), key.service()).stream().map(ViewMapper::release).toList());
        });
        router.add("GET", SERVICE + "/history", call -> {
            Key key = key(call);
            List<Release> history = store.history(key.environment(), key.service());
            if (history.isEmpty()) {
                throw unknownService(key);
            }
            // Newest first: each release's changes are against the one below it, the first one has none to show.
            List<ReleaseView> views = new ArrayList<>();
            for (int i = 0; i < history.size(); i++) {
                List<String> changes = i + 1 < history.size()
                        ? SettingsChange.between(history.get(i + 1).settings(), history.get(i).settings())
                        : List.of();
                views.add(ViewMapper.release(history.get(i), changes));
            }
            call.json(200, views);
        });
        router.add("POST", SERVICE + "/restart", call -> {
            Key key = key(call);
            DeployResult result = controller.restart(key.environment(), key.service());
            call.json(202, new DeployResponse(result.kind(), ViewMapper.release(result.release()), result.eventCursor()));
        });
        router.add("GET", SERVICE + "/configuration", call -> {
            Key key = key(call);
            call.json(200, ViewMapper.configuration(key.environment(), key.service(),
                    controller.configuration(key.environment(), key.service())));
        });
        router.add("PATCH", SERVICE + "/configuration", call -> {
            Key key = key(call);
            ConfigurationChangeRequest request = call.readJson(ConfigurationChangeRequest.class);
            Map<VariableName, String> set = new TreeMap<>();
            if (request.set() != null) {
                request.set().forEach((name, value) -> set.put(VariableName.of(name), requireValue("set." + name, value)));
            }
            Set<VariableName> unset = new TreeSet<>();
            noNulls("unset", request.unset()).forEach(name -> unset.add(VariableName.of(name)));
            call.json(200, ViewMapper.configuration(key.environment(), key.service(),
                    controller.configure(key.environment(), key.service(), set, unset)));
        });
        router.add("PUT", SERVICE + "/secrets/{name}", call -> {
            Key key = key(call);
            VariableName name = VariableName.of(call.param("name"));
            SecretRequest request = call.readJson(SecretRequest.class);
            String value = requireValue("value", request.value());
            call.json(200, ViewMapper.secret(controller.setSecret(key.environment(), key.service(), name, value)));
        });
        router.add("DELETE", SERVICE + "/secrets/{name}", call -> {
            Key key = key(call);
            VariableName name = VariableName.of(call.param("name"));
            controller.removeSecret(key.environment(), key.service(), name);
            call.json(200, new SystemApi.Message("secret " + name + " of " + key.service() + " removed from "
                    + key.environment(), clock.instant()));
        });
    }

    record Key(EnvironmentName environment, ServiceName service) {}

    Key key(Call call) {
        Key key = new Key(EnvironmentName.of(call.param("env")), ServiceName.of(call.param("service")));
        requireEnvironment(key.environment());
        return key;
    }

    /** Refuses a service that was never deployed in the environment, as its status does. */
    void requireDeployedOnce(Key key) {
        if (store.history(key.environment(), key.service()).isEmpty()) {
            throw unknownService(key);
        }
    }

    EnvironmentName environment(Call call) {
        EnvironmentName environment = EnvironmentName.of(call.param("env"));
        requireEnvironment(environment);
        return environment;
    }

    private void requireEnvironment(EnvironmentName environment) {
        EnvironmentRules.requireExists(environment, store.environments());
    }

    /** A service with no active release still answers with its last release, so a failed first deploy can be inspected. */
    private Optional<ServiceStatus> lastKnown(Key key) {
        return store.history(key.environment(), key.service()).stream().findFirst()
                .map(last -> new ServiceStatus(key.environment().value(), key.service().value(), null, null, List.of(), 0, null,
                        last.reasonText().map(r -> last.id() + " " + last.state().name().toLowerCase() + ": " + r).orElse(null),
                        null, null));
    }

    private static ApolloException unknownService(Key key) {
        return new ApolloException.NotFound("service " + key.service() + " was never deployed in " + key.environment()
                + ". Deploy it with: apollo artifact-deploy " + key.service() + ":VERSION -e " + key.environment());
    }

    private Deploy validate(DeployRequest request) {
        if (request.artifact() == null) {
            throw new ApolloException.Invalid("artifact is missing from the request body (e.g. \"web-service:1.0.0\").");
        }
        ArtifactRef artifact = ArtifactRef.parse(request.artifact());
        int instances = checkCount(request.instances() == null ? 1 : request.instances());
        EnvironmentName environment = EnvironmentName.of(request.environment() == null ? "production" : request.environment());
        HealthCheck health = healthChecks.read(request.health());
        int memory = request.memoryMb() == null ? config.defaultMemoryMb() : request.memoryMb();
        if (memory < 16 || memory > Release.MAX_MEMORY_MB) {
            throw new ApolloException.Invalid("memoryMb: " + memory + " (expected: 16.." + Release.MAX_MEMORY_MB + ")");
        }
        Duration deadline = config.deployTimeout();
        if (request.deadlineSeconds() != null) {
            if (request.deadlineSeconds() < 1 || request.deadlineSeconds() > 86_400) {
                throw new ApolloException.Invalid("deadlineSeconds: " + request.deadlineSeconds() + " (expected: 1..86400)");
            }
            deadline = Duration.ofSeconds(request.deadlineSeconds());
        }
        List<RoutePath> paths = request.paths() == null ? List.of() : request.paths().stream().map(RoutePath::of).toList();
        Map<VariableName, String> variables = new TreeMap<>();
        if (request.env() != null) {
            request.env().forEach((name, value) -> variables.put(VariableName.of(name), requireValue("env." + name, value)));
        }
        List<String> arguments = noNulls("args", request.args());
        List<String> jvmOptions = noNulls("jvmOptions", request.jvmOptions());
        RunSettings.of(variables, Map.of(), arguments, jvmOptions, Map.of()); // checks them before anything starts
        return new Deploy(artifact, instances, environment, health, memory, deadline, Boolean.TRUE.equals(request.testbed()),
                paths, variables, arguments, jvmOptions);
    }

    private static String requireValue(String field, String value) {
        if (value == null) {
            throw new ApolloException.Invalid(field + " is null; give a value (\"\" for empty).");
        }
        return value;
    }

    private static List<String> noNulls(String field, List<String> values) {
        if (values == null) {
            return List.of();
        }
        values.forEach(value -> requireValue(field + " item", value));
        return List.copyOf(values);
    }

    private int checkCount(int instances) {
        if (instances < 0) {
            throw new ApolloException.Invalid("instances: " + instances + " (expected: >= 0)");
        }
        if (instances > config.maxInstances()) {
            throw new ApolloException.Invalid("instances: " + instances + " (expected: <= " + config.maxInstances()
                    + ", this control plane's cap; start it with 'apollo up --max-instances N' to raise it)");
        }
        return instances;
    }
}
