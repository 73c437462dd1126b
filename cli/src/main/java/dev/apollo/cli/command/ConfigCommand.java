package dev.apollo.cli.command;

import dev.apollo.api.Views.ConfigurationView;
import dev.apollo.cli.ExitCodes;
import dev.apollo.cli.render.Table;
import dev.apollo.client.ApolloClient;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"A service's configuration per environment: variables every new release of it gets.",
            "Running instances keep what they started with; 'apollo restart SERVICE' rolls them onto it, blue/green."},
        subcommands = {ConfigCommand.Set.class, ConfigCommand.Unset.class, ConfigCommand.ListConfig.class})
public final class ConfigCommand extends GroupCommand {
    @Command(name = "set", mixinStandardHelpOptions = true, description = "Set variables of SERVICE, in one change.")
    static final class Set extends ConfigurationCommand {
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "KEY=VALUE",
                description = "Values may hold ${PORT}, ${APOLLO_ENV} and the other platform variables.")
        private List<String> variables;

        private Map<String, String> set;

        @Override
        void beforeConnecting() {
            set = KeyValues.parse(spec, "KEY=VALUE", variables);
        }

        @Override
        ConfigurationView configuration(ApolloClient client) {
            return client.configure(environment.name(), service, set, List.of());
        }
    }

    @Command(name = "unset", mixinStandardHelpOptions = true, description = "Remove variables of SERVICE, in one change.")
    static final class Unset extends ConfigurationCommand {
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "KEY")
        private List<String> names;

        @Override
        ConfigurationView configuration(ApolloClient client) {
            return client.configure(environment.name(), service, Map.of(), names);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "SERVICE's variables and secrets (names only).")
    static final class ListConfig extends ConfigurationCommand {
        @Override
        ConfigurationView configuration(ApolloClient client) {
            return client.configuration(environment.name(), service);
        }
    }

    /** Each config command answers with the configuration as it stands after it, shown the same way. */
    abstract static class ConfigurationCommand extends ServiceCommand {
        abstract ConfigurationView configuration(ApolloClient client);

        @Override
        final int call(ApolloClient client) {
            ConfigurationView configuration = configuration(client);
            if (global.json()) {
                global.printJson(configuration);
            } else if (configuration.variables().isEmpty() && configuration.secrets().isEmpty()) {
                global.out().println(configuration.service() + " has no configuration in " + configuration.environment()
                        + ". Set some with: apollo config set " + configuration.service() + " KEY=VALUE" + environment.flag());
            } else {
                Table table = new Table("KEY", "VALUE");
                configuration.variables().forEach((name, value) -> table.row(name, value));
                configuration.secrets().forEach(secret -> table.row(secret.name(), "(secret, v" + secret.version() + ")"));
                table.print(global.out());
            }
            return ExitCodes.OK;
        }
    }
}
