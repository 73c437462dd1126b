package dev.apollo.cli.command;

import dev.apollo.cli.deploy.DeployFlow;
import dev.apollo.client.ApolloClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "restart", mixinStandardHelpOptions = true,
        description = {"Roll SERVICE's live release onto its current configuration and secrets, blue/green: new instances"
                + " start beside the live ones and take the traffic once all are healthy.",
            "The version, instance count, arguments, JVM options and the deploy's own --env stay as they are."})
public final class RestartCommand extends ServiceCommand {
    @Option(names = "--no-wait", description = "Return once the new release started instead of following it.")
    private boolean noWait;

    @Override
    int call(ApolloClient client) {
        return new DeployFlow(client, global.context(), global.json())
                .show(client.restart(environment.name(), service), !noWait);
    }
}
