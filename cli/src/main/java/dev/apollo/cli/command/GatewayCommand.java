package dev.apollo.cli.command;

import dev.apollo.api.Views.GatewayView;
import dev.apollo.cli.ExitCodes;
import dev.apollo.cli.GlobalOptions;
import dev.apollo.cli.render.GatewayViews;
import dev.apollo.client.ApolloClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "The gateway in front of the instances (embedded, or nginx with apollo up --gateway nginx).",
        subcommands = {GatewayCommand.Status.class, GatewayCommand.Config.class})
public final class GatewayCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing a subcommand: status or config.");
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Which gateway runs and where; for nginx, the config it serves, its reloads and its last refused config.")
    static final class Status implements Callable<Integer> {
        @Mixin
        private GlobalOptions global;

        @Override
        public Integer call() {
            try (ApolloClient client = global.client()) {
                GatewayView gateway = client.gateway();
                if (global.json()) {
                    global.printJson(gateway);
                } else {
                    GatewayViews.printStatus(gateway, global.now(), global.out());
                }
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "config", mixinStandardHelpOptions = true,
            description = "Print the nginx.conf the route table renders to, exactly as an nginx gateway is fed it.",
            resourceBundle = "dev.apollo.cli.command.GatewayConfigCommand")
    static final class Config implements Callable<Integer> {
        @Mixin
        private GlobalOptions global;

        /** Help in GatewayConfigCommand.properties: without -e the whole file, every environment. */
        @Mixin
        private EnvironmentOption environment;

        @Override
        public Integer call() {
            try (ApolloClient client = global.client()) {
                String config = client.gatewayConfig(environment.given());
                // As received, so `apollo gateway config > nginx.conf` is the file nginx gets; a newline only if it lacks one.
                global.out().print(config.isEmpty() || config.endsWith("\n") ? config : config + "\n");
                global.out().flush();
                return ExitCodes.OK;
            }
        }
    }
}
