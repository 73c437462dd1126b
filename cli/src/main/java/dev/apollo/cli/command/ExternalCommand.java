package dev.apollo.cli.command;

import dev.apollo.api.Views.ExternalView;
import dev.apollo.cli.ExitCodes;
import dev.apollo.cli.render.Table;
import dev.apollo.client.ApolloClient;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "external", mixinStandardHelpOptions = true,
        description = "3rd-party services, reached through the platform: <RPC_INT>/NAME/path goes to URL/path in each environment.",
        subcommands = {ExternalCommand.Add.class, ExternalCommand.ListExternals.class, ExternalCommand.Remove.class})
public final class ExternalCommand extends GroupCommand {
    @Command(name = "add", mixinStandardHelpOptions = true, description = "Point NAME at URL in an environment.")
    static final class Add extends EnvironmentCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        private String name;

        @Parameters(index = "1", paramLabel = "URL", description = "e.g. https://api.example.com/v2")
        private String url;

        @Override
        int call(ApolloClient client) {
            ExternalView external = client.addExternal(environment.name(), name, url);
            print(external, "External " + external.name() + " => " + external.url() + " in " + external.environment()
                    + ". Instances call it as $RPC_INT/" + external.name() + "/...");
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The externals of an environment.")
    static final class ListExternals extends EnvironmentCommand {
        @Override
        int call(ApolloClient client) {
            List<ExternalView> externals = client.externals(environment.name());
            print(externals, "No externals in " + environment.name() + ". Add one with: apollo external add NAME URL", () -> {
                Table table = new Table("NAME", "URL", "ENV");
                externals.forEach(e -> table.row(e.name(), e.url(), e.environment()));
                table.print(global.out());
            });
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove an external from an environment.")
    static final class Remove extends EnvironmentCommand {
        @Parameters(paramLabel = "NAME")
        private String name;

        @Override
        int call(ApolloClient client) {
            client.removeExternal(environment.name(), name);
            say("Removed the external " + name + " from " + environment.name() + ".");
            return ExitCodes.OK;
        }
    }
}
