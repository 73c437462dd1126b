package dev.apollo.cli.command;

import dev.apollo.api.Views.GatewayView;
import dev.apollo.cli.ExitCodes;
import dev.apollo.cli.render.GatewayViews;
import dev.apollo.client.ApolloClient;
import picocli.CommandLine.Command;

@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "The gateway in front of the instances (embedded, or nginx with apollo up --gateway nginx).",
        subcommands = {GatewayCommand.Status.class, GatewayCommand.Config.class})
public final class GatewayCommand extends GroupCommand {
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Which gateway runs and where; for nginx, the config it serves, its reloads and its last refused config.")
    static final class Status extends ClientCommand {
        @Override
        int call(ApolloClient client) {
            GatewayView gateway = client.gateway();
            if (global.json()) {
                global.printJson(gateway);
            } else {
                GatewayViews.printStatus(gateway, global.now(), global.out());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "config", mixinStandardHelpOptions = true,
            description = "Print the nginx.conf the route table renders to, exactly as an nginx gateway is fed it.",
            resourceBundle = "dev.apollo.cli.command.GatewayConfigCommand")
    static final class Config extends EnvironmentCommand {
        // -e's help is in GatewayConfigCommand.properties: without -e the whole file, every environment.
        @Override
        int call(ApolloClient client) {
            String config = client.gatewayConfig(environment.given());
            // As received, so `apollo gateway config > nginx.conf` is the file nginx gets; a newline only if it lacks one.
            global.out().print(config.isEmpty() || config.endsWith("\n") ? config : config + "\n");
            global.out().flush();
            return ExitCodes.OK;
        }
    }
}
