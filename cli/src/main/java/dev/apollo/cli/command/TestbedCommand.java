package dev.apollo.cli.command;

import dev.apollo.api.Views.ReleaseView;
import dev.apollo.cli.ExitCodes;
import dev.apollo.cli.GlobalOptions;
import dev.apollo.cli.deploy.DeployFlow;
import dev.apollo.client.ApolloClient;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "testbed", mixinStandardHelpOptions = true,
        description = "Promote a testbed to live (blue/green) or discard it. Start one with: apollo artifact-deploy"
                + " NAME:VERSION -n 1 --testbed",
        subcommands = {TestbedCommand.Promote.class, TestbedCommand.Discard.class})
public final class TestbedCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing a subcommand: promote or discard.");
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Upgrade the live release to the testbed's version, blue/green, to the live instance count or -n.")
    static final class Promote implements Callable<Integer> {
        @Mixin
        private GlobalOptions global;

        @Spec
        private CommandSpec spec;

        @Parameters(paramLabel = "SERVICE")
        private String service;

        @Mixin
        private EnvironmentOption environment;

        @Option(names = {"-n", "--instances"}, paramLabel = "N", description = "Instances (default: the live release's).")
        private Integer instances;

        @Option(names = "--no-wait", description = "Return once the promotion started instead of following it.")
        private boolean noWait;

        @Override
        public Integer call() {
            Checks.atLeast(spec, "instances", instances, 0);
            try (ApolloClient client = global.client()) {
                return new DeployFlow(client, global.context(), global.json())
                        .show(client.promoteTestbed(environment.name(), service, Optional.ofNullable(instances)), !noWait);
            }
        }
    }

    @Command(name = "discard", mixinStandardHelpOptions = true, description = "Stop the testbed; the live release is untouched.")
    static final class Discard implements Callable<Integer> {
        @Mixin
        private GlobalOptions global;

        @Parameters(paramLabel = "SERVICE")
        private String service;

        @Mixin
        private EnvironmentOption environment;

        @Override
        public Integer call() {
            try (ApolloClient client = global.client()) {
                ReleaseView discarded = client.discardTestbed(environment.name(), service);
                if (global.json()) {
                    global.printJson(discarded);
                } else {
                    global.out().println("Discarded the testbed " + discarded.artifact() + " (release " + discarded.id()
                            + ") of " + service + " in " + environment.name() + "; its instances drain and stop.");
                }
                return ExitCodes.OK;
            }
        }
    }
}
