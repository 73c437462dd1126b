package dev.apollo.cli.command;

import dev.apollo.api.Views.ReleaseView;
import dev.apollo.cli.ExitCodes;
import dev.apollo.client.ApolloClient;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "undeploy", mixinStandardHelpOptions = true, description = "Stop every instance of a service in an environment.")
public final class UndeployCommand extends ServiceCommand {
    @Override
    int call(ApolloClient client) {
        List<ReleaseView> stopped = client.undeploy(environment.name(), service);
        print(stopped, service + " had nothing running in " + environment.name() + ".", () -> {
            for (ReleaseView release : stopped) {
                global.out().println("Undeployed " + service + " from " + environment.name() + ": stopped release " + release.id()
                        + " (" + release.version() + ", " + release.instances() + " instances).");
            }
        });
        return ExitCodes.OK;
    }
}
