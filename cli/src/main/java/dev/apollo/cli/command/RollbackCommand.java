package dev.apollo.cli.command;

import dev.apollo.api.Views.DeployResponse;
import dev.apollo.api.Views.RollbackResponse;
import dev.apollo.cli.ExitCodes;
import dev.apollo.cli.deploy.DeployFlow;
import dev.apollo.client.ApolloClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {"Put the previous release back live.",
            "Within the rollback window (the previous release is still running) this is a route switch that takes"
                    + " well under a second; after it, a blue/green deploy of the previous version."})
public final class RollbackCommand extends ServiceCommand {
    @Option(names = "--no-wait", description = "When the rollback is a redeploy, return once it started.")
    private boolean noWait;

    @Override
    int call(ApolloClient client) {
        long started = System.nanoTime();
        RollbackResponse response = client.rollback(environment.name(), service);
        long millis = (System.nanoTime() - started) / 1_000_000;
        if ("deploy".equals(response.kind())) {
            say("The previous release is no longer warm: redeploying " + response.release().artifact() + " blue/green.");
            return new DeployFlow(client, global.context(), global.json())
                    .show(new DeployResponse("deploy", response.release(), response.eventCursor()), !noWait);
        }
        print(response, "Rolled back " + service + " in " + environment.name() + " to " + response.release().version()
                + " (release " + response.release().id() + ") in " + millis + " ms (switch in the control plane: "
                + response.durationMs() + " ms).");
        return ExitCodes.OK;
    }
}
