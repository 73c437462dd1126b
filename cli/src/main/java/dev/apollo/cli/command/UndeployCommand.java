package dev.apollo.cli.command;

import dev.apollo.api.Views.ReleaseView;
import dev.apollo.cli.ExitCodes;
import dev.apollo.cli.GlobalOptions;
import dev.apollo.client.ApolloClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "undeploy", mixinStandardHelpOptions = true, description = "Stop every instance of a service in an environment.")
public final class UndeployCommand implements Callable<Integer> {
    @Mixin
    private GlobalOptions global;

    @Parameters(paramLabel = "SERVICE")
    private String service;

    @Mixin
    private EnvironmentOption environment;

    @Override
    public Integer call() {
        List<ReleaseView> stopped;
        try (ApolloClient client = global.client()) {
            stopped = client.undeploy(environment.name(), service);
        }
        if (global.json()) {
            global.printJson(stopped);
        } else if (stopped.isEmpty()) {
            global.out().println(service + " had nothing running in " + environment.name() + ".");
        } else {
            for (ReleaseView release : stopped) {
                global.out().println("Undeployed " + service + " from " + environment.name() + ": stopped release " + release.id()
                        + " (" + release.version() + ", " + release.instances() + " instances).");
            }
        }
        return ExitCodes.OK;
    }
}
