package dev.apollo.cli.command;

import dev.apollo.api.Views.ExternalView;
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

@Command(name = "external", mixinStandardHelpOptions = true,
        description = "3rd-party services, reached through the platform: <RPC_INT>/NAME/path goes to URL/path in each environment.",
        subcommands = {ExternalCommand.Add.class, ExternalCommand.ListExternals.class, ExternalCommand.Remove.class})
public final class ExternalCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing a subcommand: add, list or remove.");
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Point NAME at URL in an environment.")
    static final class Add implements Callable<Integer> {
        @Mixin
        private GlobalOptions global;

        @Parameters(index = "0", paramLabel = "NAME")
        private String name;

        @Parameters(index = "1", paramLabel = "URL", description = "e.g. https://api.example.com/v2")
        private String url;

        @Mixin
        private EnvironmentOption environment;

        @Override
        public Integer call() {
            try (ApolloClient client = global.client()) {
                ExternalView external = client.addExternal(environment.name(), name, url);
                if (global.json()) {
                    global.printJson(external);
                } else {
                    global.out().println("External " + external.name() + " => " + external.url() + " in " + external.environment()
                            + ". Instances call it as $RPC_INT/" + external.name() + "/...");
                }
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The externals of an environment.")
    static final class ListExternals implements Callable<Integer> {
        @Mixin
        private GlobalOptions global;

        @Mixin
        private EnvironmentOption environment;

        @Override
        public Integer call() {
            try (ApolloClient client = global.client()) {
                List<ExternalView> externals = client.externals(environment.name());
                if (global.json()) {
                    global.printJson(externals);
                } else if (externals.isEmpty()) {
                    global.out().println("No externals in " + environment.name() + ". Add one with: apollo external add NAME URL");
                } else {
                    Table table = new Table("NAME", "URL", "ENV");
                    externals.forEach(e -> table.row(e.name(), e.url(), e.environment()));
                    table.print(global.out());
                }
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove an external from an environment.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        private GlobalOptions global;

        @Parameters(paramLabel = "NAME")
        private String name;

        @Mixin
        private EnvironmentOption environment;

        @Override
        public Integer call() {
            try (ApolloClient client = global.client()) {
                client.removeExternal(environment.name(), name);
                if (!global.json()) {
                    global.out().println("Removed the external " + name + " from " + environment.name() + ".");
                }
                return ExitCodes.OK;
            }
        }
    }
}
