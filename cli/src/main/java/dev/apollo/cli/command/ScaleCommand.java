package dev.apollo.cli.command;

import dev.apollo.api.Views.ReleaseView;
import dev.apollo.cli.ExitCodes;
import dev.apollo.client.ApolloClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "scale", mixinStandardHelpOptions = true, description = "Change how many instances of the live release run.")
public final class ScaleCommand extends ServiceCommand {
    @Option(names = {"-n", "--instances"}, paramLabel = "N", required = true, description = "Instances to run.")
    private int instances;

    @Override
    void beforeConnecting() {
        Checks.atLeast(spec, "instances", instances, 0);
    }

    @Override
    int call(ApolloClient client) {
        ReleaseView release = client.scale(environment.name(), service, instances);
        print(release, "Scaling " + service + " in " + environment.name() + " to " + release.instances()
                + " instances (release " + release.id() + ", " + release.version() + "). Watch it with: apollo status " + service
                + environment.flag());
        return ExitCodes.OK;
    }
}
