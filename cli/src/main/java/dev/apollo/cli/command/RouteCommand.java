package dev.apollo.cli.command;

import dev.apollo.api.Views.RouteView;
import dev.apollo.cli.ExitCodes;
import dev.apollo.cli.render.Table;
import dev.apollo.client.ApolloClient;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "route", mixinStandardHelpOptions = true,
        description = "Web path rules: requests whose path starts with PATH go to SERVICE (the longest prefix wins).",
        subcommands = {RouteCommand.Add.class, RouteCommand.ListRoutes.class, RouteCommand.Remove.class})
public final class RouteCommand extends GroupCommand {
    @Command(name = "add", mixinStandardHelpOptions = true, description = "Route PATH (and below) to SERVICE.")
    static final class Add extends EnvironmentCommand {
        @Parameters(index = "0", paramLabel = "PATH", description = "A path prefix, e.g. /a-path.")
        private String path;

        @Parameters(index = "1", paramLabel = "SERVICE")
        private String service;

        @Override
        int call(ApolloClient client) {
            RouteView route = client.addRoute(environment.name(), path, service);
            print(route, "Routing " + route.path() + " => " + route.service() + " in " + route.environment() + ".");
            // A rule may come before its service (so that a first deploy is reachable at once), but a typo would
            // otherwise go unnoticed until someone requests the path.
            boolean deployedSomewhere = client.services(Optional.empty()).stream()
                    .anyMatch(s -> s.service().equals(route.service()) && s.live() != null);
            if (!deployedSomewhere) {
                say("Note: " + route.service() + " has no live release in any environment yet: requests to " + route.path()
                        + " answer 503 until you deploy it (apollo deploy " + route.service() + ":VERSION).");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The path rules of an environment.")
    static final class ListRoutes extends EnvironmentCommand {
        @Override
        int call(ApolloClient client) {
            List<RouteView> routes = client.routes(environment.name());
            print(routes, "No routes in " + environment.name() + ". Add one with: apollo route add /a-path SERVICE", () -> {
                Table table = new Table("PATH", "SERVICE", "ENV");
                routes.forEach(r -> table.row(r.path(), r.service(), r.environment()));
                table.print(global.out());
            });
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove the rule for PATH.")
    static final class Remove extends EnvironmentCommand {
        @Parameters(paramLabel = "PATH")
        private String path;

        @Override
        int call(ApolloClient client) {
            client.removeRoute(environment.name(), path);
            say("Removed the route " + path + " from " + environment.name() + ".");
            return ExitCodes.OK;
        }
    }
}
