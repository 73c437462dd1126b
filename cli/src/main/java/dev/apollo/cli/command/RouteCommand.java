package dev.apollo.cli.command;

import dev.apollo.api.Views.RouteView;
import dev.apollo.cli.ExitCodes;
import dev.apollo.cli.GlobalOptions;
import dev.apollo.cli.render.Table;
import dev.apollo.client.ApolloClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "route", mixinStandardHelpOptions = true,
        description = "Web path rules: requests whose path starts with PATH go to SERVICE (the longest prefix wins).",
        subcommands = {RouteCommand.Add.class, RouteCommand.ListRoutes.class, RouteCommand.Remove.class})
public final class RouteCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing a subcommand: add, list or remove.");
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Route PATH (and below) to SERVICE.")
    static final class Add implements Callable<Integer> {
        @Mixin
        private GlobalOptions global;

        @Parameters(index = "0", paramLabel = "PATH", description = "A path prefix, e.g. /a-path.")
        private String path;

        @Parameters(index = "1", paramLabel = "SERVICE")
        private String service;

        @Mixin
        private EnvironmentOption environment;

        @Override
        public Integer call() {
            try (ApolloClient client = global.client()) {
                RouteView route = client.addRoute(environment.name(), path, service);
                if (global.json()) {
                    global.printJson(route);
                } else {
                    global.out().println("Routing " + route.path() + " => " + route.service() + " in " + route.environment() + ".");
                }
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The path rules of an environment.")
    static final class ListRoutes implements Callable<Integer> {
        @Mixin
        private GlobalOptions global;

        @Mixin
        private EnvironmentOption environment;

        @Override
        public Integer call() {
            try (ApolloClient client = global.client()) {
                List<RouteView> routes = client.routes(environment.name());
                if (global.json()) {
                    global.printJson(routes);
                } else if (routes.isEmpty()) {
                    global.out().println("No routes in " + environment.name() + ". Add one with: apollo route add /a-path SERVICE");
                } else {
                    Table table = new Table("PATH", "SERVICE", "ENV");
                    routes.forEach(r -> table.row(r.path(), r.service(), r.environment()));
                    table.print(global.out());
                }
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove the rule for PATH.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        private GlobalOptions global;

        @Parameters(paramLabel = "PATH")
        private String path;

        @Mixin
        private EnvironmentOption environment;

        @Override
        public Integer call() {
            try (ApolloClient client = global.client()) {
                client.removeRoute(environment.name(), path);
                if (!global.json()) {
                    global.out().println("Removed the route " + path + " from " + environment.name() + ".");
                }
                return ExitCodes.OK;
            }
        }
    }
}
