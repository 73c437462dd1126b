package dev.apollo.cli.command;

import dev.apollo.api.Views.GatewayView;
import dev.apollo.api.Views.LeadershipView;
import dev.apollo.api.Views.ServiceStatus;
import dev.apollo.cli.ExitCodes;
import dev.apollo.cli.render.GatewayViews;
import dev.apollo.cli.render.LeadershipViews;
import dev.apollo.cli.render.ServiceViews;
import dev.apollo.client.ApiException;
import dev.apollo.client.ApolloClient;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "status", aliases = "ps", mixinStandardHelpOptions = true,
        description = "Show every service, or one service's releases and instances.",
        resourceBundle = "dev.apollo.cli.command.StatusCommand")
public final class StatusCommand extends EnvironmentCommand {
    // -e's help is in StatusCommand.properties: without -e the list shows every environment.
    @Parameters(paramLabel = "SERVICE", arity = "0..1", description = "Show this service in detail.")
    private String service;

    @Override
    int call(ApolloClient client) {
        if (service == null) {
            Optional<LeadershipView> leadership = global.json() ? Optional.empty() : leadership(client);
            boolean standingBy = leadership.filter(l -> !l.mode().equals("leader") && !l.mode().equals("solo")).isPresent();
            if (standingBy) {
                // A standby has no instances to show: who leads, then the refusal that says where to ask.
                LeadershipViews.print(leadership.get(), global.now(), global.out());
            }
            list(client.services(environment.given()));
            if (!global.json()) {
                gateway(client).flatMap(GatewayViews::refusedConfigWarning).ifPresent(global.out()::println);
                leadership.filter(l -> l.mode().equals("leader")).ifPresent(l -> {
                    global.out().println();
                    LeadershipViews.print(l, global.now(), global.out());
                });
            }
        } else {
            ServiceStatus status = client.service(environment.name(), service);
            if (global.json()) {
                global.printJson(status);
            } else {
                ServiceViews.printDetail(status, global.now(), global.out());
            }
        }
        return ExitCodes.OK;
    }

    /** Who leads, or empty from a control plane too old to have /v1/leadership. */
    private static Optional<LeadershipView> leadership(ApolloClient client) {
        try {
            return Optional.of(client.leadership());
        } catch (ApiException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
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
        print(services, "No services" + environment.given().map(e -> " in " + e).orElse("")
                + " yet. Deploy one with: apollo deploy NAME:VERSION -n N   (or try: apollo demo)",
                () -> ServiceViews.servicesTable(services, global.now()).print(global.out()));
    }
}
