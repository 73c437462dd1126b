package dev.apollo.cli.command;

import dev.apollo.api.Views.ReleaseView;
import dev.apollo.cli.ExitCodes;
import dev.apollo.cli.GlobalOptions;
import dev.apollo.client.ApolloClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "scale", mixinStandardHelpOptions = true, description = "Change how many instances of the live release run.")
public final class ScaleCommand implements Callable<Integer> {
    @Mixin
    private GlobalOptions global;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "SERVICE")
    private String service;

    @Option(names = {"-n", "--instances"}, paramLabel = "N", required = true, description = "Instances to run.")
    private int instances;

    @Mixin
    private EnvironmentOption environment;

    @Override
    public Integer call() {
        Checks.atLeast(spec, "instances", instances, 0);
        try (ApolloClient client = global.client()) {
            ReleaseView release = client.scale(environment.name(), service, instances);
            if (global.json()) {
                global.printJson(release);
            } else {
                global.out().println("Scaling " + service + " in " + environment.name() + " to " + release.instances()
                        + " instances (release " + release.id() + ", " + release.version() + "). Watch it with: apollo status " + service
                        + environment.flag());
            }
        }
        return ExitCodes.OK;
    }
}
