package dev.apollo.cli.command;

import dev.apollo.api.Views.ReleaseView;
import dev.apollo.cli.ExitCodes;
import dev.apollo.cli.deploy.DeployFlow;
import dev.apollo.client.ApolloClient;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "testbed", mixinStandardHelpOptions = true,
        description = "Promote a testbed to live (blue/green) or discard it. Start one with: apollo artifact-deploy"
                + " NAME:VERSION -n 1 --testbed",
        subcommands = {TestbedCommand.Promote.class, TestbedCommand.Discard.class})
public final class TestbedCommand extends GroupCommand {
    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Upgrade the live release to the testbed's version, blue/green, to the live instance count or -n.")
    static final class Promote extends ServiceCommand {
        @Option(names = {"-n", "--instances"}, paramLabel = "N", description = "Instances (default: the live release's).")
        private Integer instances;

        @Option(names = "--no-wait", description = "Return once the promotion started instead of following it.")
        private boolean noWait;

        @Override
        void beforeConnecting() {
            Checks.atLeast(spec, "instances", instances, 0);
        }

        @Override
        int call(ApolloClient client) {
            return new DeployFlow(client, global.context(), global.json())
                    .show(client.promoteTestbed(environment.name(), service, Optional.ofNullable(instances)), !noWait);
        }
    }

    @Command(name = "discard", mixinStandardHelpOptions = true, description = "Stop the testbed; the live release is untouched.")
    static final class Discard extends ServiceCommand {
        @Override
        int call(ApolloClient client) {
            ReleaseView discarded = client.discardTestbed(environment.name(), service);
            print(discarded, "Discarded the testbed " + discarded.artifact() + " (release " + discarded.id()
                    + ") of " + service + " in " + environment.name() + "; its instances drain and stop.");
            return ExitCodes.OK;
        }
    }
}
