package dev.apollo.cli.command;

import dev.apollo.api.Views.ConfigurationView;
import dev.apollo.cli.ExitCodes;
import dev.apollo.cli.GlobalOptions;
import dev.apollo.cli.render.Table;
import dev.apollo.client.ApolloClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"A service's configuration per environment: variables every new release of it gets.",
            "Running instances keep what they started with; 'apollo restart SERVICE' rolls them onto it, blue/green."},
        subcommands = {ConfigCommand.Set.class, ConfigCommand.Unset.class, ConfigCommand.ListConfig.class})
public final class ConfigCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing a subcommand: set, unset or list.");
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Set variables of SERVICE, in one change.")
    static final class Set implements Callable<Integer> {
        @Mixin
        private GlobalOptions global;

        @Spec
        private CommandSpec spec;

        @Parameters(index = "0", paramLabel = "SERVICE")
        private String service;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "KEY=VALUE",
                description = "Values may hold ${PORT}, ${APOLLO_ENV} and the other platform variables.")
        private List<String> variables;

        @Mixin
        private EnvironmentOption environment;

        @Override
        public Integer call() {
            Map<String, String> set = KeyValues.parse(spec, "KEY=VALUE", variables);
            try (ApolloClient client = global.client()) {
                return show(global, client.configure(environment.name(), service, set, List.of()), environment);
            }
        }
    }

    @Command(name = "unset", mixinStandardHelpOptions = true, description = "Remove variables of SERVICE, in one change.")
    static final class Unset implements Callable<Integer> {
        @Mixin
        private GlobalOptions global;

        @Parameters(index = "0", paramLabel = "SERVICE")
        private String service;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "KEY")
        private List<String> names;

        @Mixin
        private EnvironmentOption environment;

        @Override
        public Integer call() {
            try (ApolloClient client = global.client()) {
                return show(global, client.configure(environment.name(), service, Map.of(), names), environment);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "SERVICE's variables and secrets (names only).")
    static final class ListConfig implements Callable<Integer> {
        @Mixin
        private GlobalOptions global;

        @Parameters(index = "0", paramLabel = "SERVICE")
        private String service;

        @Mixin
        private EnvironmentOption environment;

        @Override
        public Integer call() {
            try (ApolloClient client = global.client()) {
                return show(global, client.configuration(environment.name(), service), environment);
            }
        }
    }

    private static int show(GlobalOptions global, ConfigurationView configuration, EnvironmentOption environment) {
        if (global.json()) {
            global.printJson(configuration);
            return ExitCodes.OK;
        }
        if (configuration.variables().isEmpty() && configuration.secrets().isEmpty()) {
            global.out().println(configuration.service() + " has no configuration in " + configuration.environment()
                    + ". Set some with: apollo config set " + configuration.service() + " KEY=VALUE" + environment.flag());
            return ExitCodes.OK;
        }
        Table table = new Table("KEY", "VALUE");
        configuration.variables().forEach((name, value) -> table.row(name, value));
        configuration.secrets().forEach(secret -> table.row(secret.name(), "(secret, v" + secret.version() + ")"));
        table.print(global.out());
        return ExitCodes.OK;
    }
}
