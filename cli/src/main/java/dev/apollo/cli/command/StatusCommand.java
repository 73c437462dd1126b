package dev.apollo.cli.command;

import dev.apollo.api.Views.GatewayView;
import dev.apollo.api.Views.ServiceStatus;
import dev.apollo.cli.ExitCodes;
import dev.apollo.cli.GlobalOptions;
import dev.apollo.cli.render.GatewayViews;
import dev.apollo.cli.render.ServiceViews;
import dev.apollo.client.ApiException;
import dev.apollo.client.ApolloClient;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "status", aliases = "ps", mixinStandardHelpOptions = true,
        description = "Show every service, or one service's releases and instances.")
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    private GlobalOptions global;

    @Parameters(paramLabel = "SERVICE", arity = "0..1", description = "Show this service in detail.")
    private String service;

    @Option(names = {"-e", "--env"}, paramLabel = "ENV",
            description = "Environment (default: all for the list, production for one service).")
    private String environment;

    @Override
    public Integer call() {
        try (ApolloClient client = global.client()) {
            if (service == null) {
                list(client.services(Optional.ofNullable(environment)));
                if (!global.json()) {
                    gateway(client).flatMap(GatewayViews::refusedConfigWarning).ifPresent(global.out()::println);
                }
            } else {
                ServiceStatus status = client.service(environment == null ? Checks.DEFAULT_ENV : environment, service);
                if (global.json()) {
                    global.printJson(status);
                } else {
                    ServiceViews.printDetail(status, global.now(), global.out());
                }
            }
        }
        return ExitCodes.OK;
    }

    /** The gateway's state, or empty from a control plane too old to have /v1/gateway. */
    private static Optional<GatewayView> gateway(ApolloClient client) {
        try {
            return Optional.of(client.gateway());
        } catch (ApiException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private void list(List<ServiceStatus> services) {
        if (global.json()) {
            global.printJson(services);
        } else if (services.isEmpty()) {
            global.out().println("No services" + (environment == null ? "" : " in " + environment)
                    + " yet. Deploy one with: apollo deploy NAME:VERSION -n N   (or try: apollo demo)");
        } else {
            ServiceViews.servicesTable(services, global.now()).print(global.out());
        }
    }
}
