package dev.apollo.server.http;

import dev.apollo.api.Views.EnvironmentRequest;
import dev.apollo.api.Views.ExternalRequest;
import dev.apollo.core.ApolloException;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.External;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.port.Store;
import dev.apollo.server.control.Controller;
import java.time.Clock;
import java.util.Optional;

/** Environments (production always exists; others may fall back to another) and their 3rd-party services. */
final class EnvironmentApi {
    private final Controller controller;
    private final Store store;
    private final ServiceApi services;
    private final Clock clock;

    EnvironmentApi(Controller controller, Store store, ServiceApi services, Clock clock) {
        this.controller = controller;
        this.store = store;
        this.services = services;
        this.clock = clock;
    }

    void register(Router router) {
        router.add("GET", "/v1/environments", call ->
                call.json(200, store.environments().stream().map(ViewMapper::environment).toList()));
        router.add("POST", "/v1/environments", call -> {
            EnvironmentRequest request = call.readJson(EnvironmentRequest.class);
            if (request.name() == null) {
                throw new ApolloException.Invalid("name is missing from the request body (e.g. {\"name\":\"stage1\","
                        + "\"fallback\":\"production\"}).");
            }
            var created = controller.createEnvironment(EnvironmentName.of(request.name()),
                    Optional.ofNullable(request.fallback()).map(EnvironmentName::of));
            call.json(201, ViewMapper.environment(created));
        });
        router.add("DELETE", "/v1/environments/{env}", call -> {
            EnvironmentName environment = services.environment(call);
            call.json(200, controller.deleteEnvironment(environment).stream().map(ViewMapper::release).toList());
        });
        router.add("GET", "/v1/environments/{env}/externals", call -> {
            EnvironmentName environment = services.environment(call);
            call.json(200, controller.externals().stream().filter(e -> e.environment().equals(environment))
                    .map(ViewMapper::external).toList());
        });
        router.add("PUT", "/v1/environments/{env}/externals", call -> {
            EnvironmentName environment = services.environment(call);
            ExternalRequest request = call.readJson(ExternalRequest.class);
            if (request.name() == null || request.url() == null) {
                throw new ApolloException.Invalid("an external needs a name and a url (e.g. {\"name\":\"payments\","
                        + "\"url\":\"https://api.example.com/v2\"}).");
            }
            External external = controller.addExternal(new External(environment, ServiceName.of(request.name()),
                    External.parseUrl(request.url()), clock.instant()));
            call.json(200, ViewMapper.external(external));
        });
        router.add("DELETE", "/v1/environments/{env}/externals/{name}", call -> {
            EnvironmentName environment = services.environment(call);
            ServiceName name = ServiceName.of(call.param("name"));
            controller.removeExternal(environment, name);
            call.json(200, new SystemApi.Message("external " + name + " removed from " + environment, clock.instant()));
        });
    }
}
